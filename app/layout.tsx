import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Trunkline", template: "%s · Trunkline" },
  description: "Audit-log-centred Control Panel for wholesale VoIP platforms",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page carries a per-request CSP nonce (proxy.ts), which a prerendered page cannot.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen">{children}</body>
    </html>
  );
}
