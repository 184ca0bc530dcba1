/** When things happen: staff work office hours, portal users their own, bots any time. */
import type { Random } from "@/seed/random";
import { DAY, HOUR, MINUTE } from "./timeline";

/** Relative activity per local hour of a working day. */
const OFFICE_HOURS = [
  0, 0, 0, 0, 0, 0, 0.2, 0.6, 2, 3, 3, 2.6, 1.6, 2.4, 3, 2.8, 2.2, 1.2, 0.6, 0.4, 0.3, 0.2, 0.1, 0,
];

const isWeekend = (t: number) => {
  const day = new Date(t).getUTCDay();
  return day === 0 || day === 6;
};

/**
 * A moment within [from, to] during the local office hours of someone `utcOffset` hours from
 * UTC; weekends are rare. Falls back to any moment when the window has no office hours.
 */
export function officeTime(rng: Random, from: number, to: number, utcOffset = 0): number {
  if (to <= from) return from;
  // Weekends are turned down at first; a window with only a weekend in it still gets work hours.
  for (let tries = 0; tries < 30; tries++) {
    const day = Math.floor((from + rng.next() * (to - from)) / DAY) * DAY;
    const hour = rng.weighted(
      OFFICE_HOURS.map((w, h) => ({ h, w })),
      (x) => x.w,
    ).h;
    const t = day + (hour - utcOffset) * HOUR + rng.int(0, 59) * MINUTE + rng.int(0, 59) * 1000;
    if (t < from || t > to) continue;
    if (tries < 15 && isWeekend(t + utcOffset * HOUR) && !rng.chance(0.12)) continue;
    return t;
  }
  return anyTime(rng, from, to);
}

export function anyTime(rng: Random, from: number, to: number): number {
  return Math.round(from + rng.next() * Math.max(0, to - from));
}

/** A short while later: the next step of a flow the same person is working through. */
export function later(rng: Random, t: number, minMinutes: number, maxMinutes: number): number {
  return t + Math.round(rng.between(minMinutes, maxMinutes) * MINUTE);
}
