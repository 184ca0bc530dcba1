import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "../lib/webhooks/signature";
import { expectNoAxeViolations } from "./axe";
import { pageAs, signInAs } from "./fixtures";

/**
 * The SIEM streaming page (issue 15 item 5): the admin adds a webhook destination pointing at a
 * receiver this spec runs on loopback, sees entries arrive signed and the last delivered id move,
 * sends a test, replays, pauses and deletes it; support and the auditor are refused the page.
 */

const PAGE = "/audit-log/streaming";
const SECRET = "e2e-streaming-secret-7d2e41";

type Receiver = { url: string; ids: number[]; rejected: string[]; server: Server };

async function startReceiver(): Promise<Receiver> {
  const receiver = { ids: [] as number[], rejected: [] as string[] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const check = verifyWebhookSignature(SECRET, body, req.headers[SIGNATURE_HEADER] as string);
      if (!check.ok) {
        receiver.rejected.push(check.reason);
        res.writeHead(401).end();
        return;
      }
      for (const e of (JSON.parse(body) as { entries: { id: number }[] }).entries) {
        receiver.ids.push(e.id);
      }
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { ...receiver, url: `http://127.0.0.1:${port}/siem`, server };
}

let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver();
});
test.afterAll(async () => {
  receiver.server.closeAllConnections();
  await new Promise((resolve) => receiver.server.close(resolve));
});

test("[admin] streams to a webhook receiver and sees the delivered id advance", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const name = `E2E SIEM ${Date.now()}`;
  await signInAs(page, "admin");
  await page.getByTestId("control-panel-nav").getByRole("link", { name: "SIEM streaming" }).click();
  await expect(page).toHaveURL(PAGE);
  await expect(page.getByRole("heading", { level: 1, name: "Streaming to a SIEM" })).toBeVisible();

  // A hostile value first: refused with the field's error, nothing added.
  const form = page.getByRole("form", { name: "Add a destination" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("URL").fill("http://siem.example.com/not-https");
  await form.getByLabel("Signing secret").fill(SECRET);
  await form.getByRole("button", { name: "Add destination" }).click();
  await expect(form.getByText("Use an https:// URL.")).toBeVisible();
  await expect(page.getByRole("heading", { name })).toHaveCount(0);

  await form.getByLabel("URL").fill(receiver.url);
  await form.getByLabel("Signing secret").fill(SECRET);
  await form.getByLabel("Entries per request").fill("50");
  await form.getByRole("button", { name: "Add destination" }).click();
  const card = page.getByTestId("stream-destination").filter({ hasText: name });
  await expect(card).toBeVisible();
  await expect(card).toContainText(receiver.url);
  await expectNoAxeViolations(page);
  const startedAt = Number(await card.getByTestId("delivered-through").innerText());

  // Its own CREATE entry comes after its starting point: the worker delivers it, signed.
  await expect
    .poll(() => receiver.ids.filter((id) => id > startedAt).length, { timeout: 30_000 })
    .toBeGreaterThan(0);
  expect(receiver.rejected).toEqual([]);
  await expect
    .poll(
      async () => {
        await page.reload();
        return Number(await card.getByTestId("delivered-through").innerText());
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThan(startedAt);
  await expect(card.getByTestId("lag")).toHaveText(/Up to date|behind/);

  await card.getByRole("button", { name: "Send test" }).click();
  await expect(card.getByText("Test delivered.")).toBeVisible();
  expect(receiver.ids).toContain(0);

  // Replay from the first entry it was sent: delivered again, in order.
  const first = receiver.ids.find((id) => id > startedAt)!;
  const before = receiver.ids.length;
  await card.getByLabel("Replay from entry id").fill(String(first));
  await card.getByRole("button", { name: "Replay" }).click();
  await expect(card.getByText(`Replaying from entry ${first}.`)).toBeVisible();
  await expect
    .poll(() => receiver.ids.slice(before).includes(first), { timeout: 30_000 })
    .toBe(true);

  await card.getByRole("button", { name: "Pause" }).click();
  await expect(card.getByRole("heading", { name })).toContainText("Paused");

  await card.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete destination" }).click();
  await expect(page.getByTestId("stream-destination").filter({ hasText: name })).toHaveCount(0);
});

for (const role of ["support", "auditor"] as const) {
  test(`[${role}] is refused the streaming page and not offered it`, async ({ browser }) => {
    const page = await pageAs(browser, role);
    try {
      await page.goto("/audit-log");
      await expect(
        page.getByTestId("control-panel-nav").getByRole("link", { name: "SIEM streaming" }),
      ).toHaveCount(0);
      const response = await page.goto(PAGE);
      expect(response?.status()).toBe(403);
      await expect(page.getByTestId("stream-destination")).toHaveCount(0);
      expect(await page.content()).not.toContain(receiver.url);
    } finally {
      await page.context().close();
    }
  });
}
