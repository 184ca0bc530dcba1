"use client";

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { BreakoutChartPoint } from "@/lib/reports/breakout";

/**
 * Minutes (bars) and ASR (line) per day over the report's range. It receives only the points of
 * the series the viewer may see: a series their policy hides is neither drawn nor sent.
 */
export function BreakoutChart({
  points,
  series,
}: {
  points: BreakoutChartPoint[];
  series: ("minutes" | "asr")[];
}) {
  const minutes = series.includes("minutes");
  const asr = series.includes("asr");
  const title = [minutes && "Minutes", asr && "ASR"].filter(Boolean).join(" and ") + " per day";
  return (
    <figure
      data-testid="breakout-chart"
      className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm"
    >
      <figcaption className="mb-2 text-sm font-medium text-slate-700">{title}</figcaption>
      <ComposedChart
        data={points}
        responsive
        style={{ width: "100%", height: 260 }}
        margin={{ top: 5, right: 10, bottom: 5, left: 0 }}
        title={title}
        desc={`${title}, one point per day of the report's range`}
      >
        <CartesianGrid stroke="#e2e8f0" vertical={false} />
        <XAxis dataKey="day" tick={{ fontSize: 11 }} minTickGap={16} />
        {minutes ? (
          <YAxis yAxisId="minutes" tick={{ fontSize: 11 }} width={60} allowDecimals={false} />
        ) : null}
        {asr ? (
          <YAxis
            yAxisId="asr"
            orientation={minutes ? "right" : "left"}
            domain={[0, 100]}
            unit="%"
            tick={{ fontSize: 11 }}
            width={48}
          />
        ) : null}
        <Tooltip />
        <Legend />
        {minutes ? (
          <Bar
            yAxisId="minutes"
            dataKey="minutes"
            name="Minutes"
            fill="#64748b"
            isAnimationActive={false}
          />
        ) : null}
        {asr ? (
          <Line
            yAxisId="asr"
            dataKey="asr"
            name="ASR %"
            stroke="#0f766e"
            strokeWidth={2}
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
        ) : null}
      </ComposedChart>
    </figure>
  );
}
