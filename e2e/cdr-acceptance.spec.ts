import { expect, test, type Page } from "@playwright/test";
import { accountId, auditDbForSpec } from "./audit-db";
import { signInAs } from "./fixtures";

/**
 * Issue 12's acceptance, end to end as people would do it: the admin changes the customers'
 * default CDR fields and Acme's override on the settings page; the Acme portal user's CDR page
 * follows, and its full response (HTML with the inline RSC payload) holds no value of a field
 * hidden from them; each change is in the audit log as a readable field list. The spec puts the
 * demo's settings back at the end, as the rest of the suite expects them.
 */

const db = auditDbForSpec();

const checkbox = (page: Page, key: string) =>
  page.getByRole("checkbox", { name: `Customers: ${key}`, exact: true });

async function saveCustomers(page: Page) {
  await page.getByRole("button", { name: "Save customers" }).click();
  await expect(page.getByTestId("form-success").first()).toHaveText(
    "Saved the default fields for customers.",
  );
}

async function setCustomerDefaults(page: Page, changes: Record<string, boolean>) {
  await page.goto("/settings/cdr-fields");
  for (const [key, on] of Object.entries(changes)) await checkbox(page, key).setChecked(on);
  await saveCustomers(page);
}

async function setAcmeIngress(page: Page, state: "default" | "shown" | "hidden") {
  await page.goto("/settings/cdr-fields");
  await page.getByRole("link", { name: /^Acme Telecom \(\d+\)$/ }).click();
  const form = page.getByRole("form", { name: "CDR fields of Acme Telecom" });
  await form
    .getByRole("combobox", { name: "ingress_id for Acme Telecom", exact: true })
    .selectOption(state);
  await form.getByRole("button", { name: "Save Acme Telecom" }).click();
  await expect(page.getByTestId("form-success").first()).toContainText(
    "Saved the account's fields.",
  );
}

/** The field keys of the CDR table's columns. */
async function columnKeys(page: Page): Promise<string[]> {
  return page
    .getByTestId("cdr-table")
    .locator("thead th[data-field]")
    .evaluateAll((ths) => ths.map((th) => th.getAttribute("data-field") ?? ""));
}

async function newestSettingsMessages(page: Page, n: number): Promise<string[]> {
  await page.goto(`/audit-log?q=${encodeURIComponent("table:cdr_field_settings")}`);
  return page
    .getByTestId("audit-table")
    .locator('tbody tr td[data-column="message"]')
    .evaluateAll((tds, count) => tds.slice(0, count).map((td) => td.textContent ?? ""), n);
}

test("[acceptance] the admin hides customer_rate and enables codec → Acme's CDR page follows and sends no hidden value; Acme's ingress_id override is Acme's alone; every change is audited as a field list", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const sql = db.sql;
  const acme = await accountId(sql, "Acme Telecom");
  const admin = await browser.newPage();
  const portal = await browser.newPage();
  await signInAs(admin, "admin");
  await signInAs(portal, "customer");

  try {
    await setCustomerDefaults(admin, { customer_rate: false, codec: true });

    // The portal follows the default at once: codec in, customer_rate out.
    const response = await portal.goto("/portal/cdrs");
    expect(response?.status()).toBe(200);
    const keys = await columnKeys(portal);
    expect(keys).toContain("codec");
    expect(keys).not.toContain("customer_rate");
    expect(keys).toContain("ingress_id"); // Acme's own override adds it
    const html = await response!.text();

    // The calls on the page (their Call-IDs are shown) and what Acme may not see of them.
    const recent = await sql<
      {
        callid: string;
        customer_rate: string | null;
        carrier_rate: string | null;
        carrier_charge: string;
        callid_b: string | null;
        dest_ip: string | null;
        carrier: string | null;
        profit: string | null;
      }[]
    >`
      select c.callid, c.customer_rate::text, c.carrier_rate::text, c.carrier_charge::text,
        c.callid_b, host(c.dest_ip) as dest_ip, a.name as carrier, c.profit::text
      from cdrs c left join accounts a on a.id = c.carrier_id
      where c.customer_id = ${acme} and c.dt > now() - interval '25 hours'
      order by c.dt desc limit 200`;
    const hidden = recent
      .filter((r) => html.includes(r.callid))
      .map(({ callid: _shown, ...rest }) => rest);
    expect(hidden.length).toBeGreaterThanOrEqual(40);
    // Values distinctive enough that finding one means it was sent: ids, addresses, names, and
    // money with five or more significant digits (0.0123 could be any other number on the page).
    const distinctive = (v: string | null) =>
      v !== null && (/[a-z]/i.test(v) || v.replace(/^[0.]+|0+$|\./g, "").length >= 5);
    const forbidden = new Set<string>();
    for (const row of hidden) {
      for (const value of Object.values(row)) {
        if (!distinctive(value)) continue;
        forbidden.add(value!);
        // Also as a number would be printed (0.012340 → 0.01234).
        if (/^\d+\.\d+$/.test(value!)) forbidden.add(String(Number(value)));
      }
    }
    expect(forbidden.size).toBeGreaterThan(hidden.length);
    const leaked = [...forbidden].filter((v) => html.includes(v));
    expect(leaked, "hidden CDR values in the portal's CDR page").toEqual([]);
    // The headers of hidden fields are absent too.
    for (const label of ["Buy rate", "Carrier IP", "Call-ID (carrier leg)", "Profit"]) {
      expect(html).not.toContain(`>${label}<`);
    }

    // Acme's override: hidden → Acme loses the ingress route; shown again → Acme has it, and the
    // customer default (what every other customer account gets) still lacks it.
    await setAcmeIngress(admin, "hidden");
    await portal.goto("/portal/cdrs");
    expect(await columnKeys(portal)).not.toContain("ingress_id");
    await setAcmeIngress(admin, "shown");
    await portal.goto("/portal/cdrs");
    expect(await columnKeys(portal)).toContain("ingress_id");
    await admin.goto("/settings/cdr-fields");
    const chooser = admin.getByRole("combobox", { name: "Account", exact: true });
    const other = await chooser
      .locator("option")
      .evaluateAll((options) =>
        options
          .map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? "" }))
          .find((o) => o.text.includes("(customer,") && !o.text.startsWith("Acme Telecom")),
      );
    expect(other).toBeTruthy();
    const otherName = other!.text.replace(/ \(customer, \d+\)$/, "");
    await chooser.selectOption(other!.value);
    await admin.getByRole("button", { name: "Open", exact: true }).click();
    await expect(admin.getByTestId("account-sees")).toContainText(`${otherName} sees:`);
    await expect(admin.getByTestId("account-sees")).not.toContainText("Ingress route");
    await expect(admin.getByTestId("account-sees")).toContainText("Codec");

    // Every change, newest first, reads as a field list.
    expect(await newestSettingsMessages(admin, 3)).toEqual([
      expect.stringMatching(/^CDR fields of Acme Telecom \(\d+\): ingress_id: hidden → shown$/),
      expect.stringMatching(/^CDR fields of Acme Telecom \(\d+\): ingress_id: shown → hidden$/),
      "Customer CDR fields: customer_rate: shown → hidden; codec: hidden → shown",
    ]);
  } finally {
    await setCustomerDefaults(admin, { customer_rate: true, codec: false });
  }
});

test("[support] the Control Panel's CDR page has no buy side or profit for support by default, in the table or anywhere in the response", async ({
  page,
}) => {
  const sql = db.sql;
  await signInAs(page, "support");
  const response = await page.goto("/cdrs");
  expect(response?.status()).toBe(200);
  const keys = await columnKeys(page);
  expect(keys).toContain("customer_rate");
  for (const key of ["carrier_rate", "carrier_charge", "callid_b", "dest_ip", "profit"]) {
    expect(keys).not.toContain(key);
  }
  const html = await response!.text();
  const recent = await sql<{ callid: string; callid_b: string | null; dest_ip: string | null }[]>`
    select callid, callid_b, host(dest_ip) as dest_ip from cdrs
    where dt > now() - interval '25 hours' order by dt desc limit 200`;
  const shown = recent.filter((r) => html.includes(r.callid));
  expect(shown.length).toBeGreaterThanOrEqual(40);
  // An address as a whole (203.0.113.13 is a prefix of 203.0.113.130).
  const whole = (v: string) => new RegExp(`(?<![\\d.])${v.replaceAll(".", "\\.")}(?![\\d])`);
  const leaked = shown
    .flatMap((r) => [r.callid_b, r.dest_ip])
    .filter((v): v is string => v !== null && whole(v).test(html));
  expect(leaked, "carrier-leg Call-IDs and carrier IPs in support's CDR page").toEqual([]);
});
