import type { OutgoingEmail } from "./outbox";

/** Plain-text bodies: the link is the only thing the reader needs, and it carries the token. */

export function invitationEmail(to: {
  name: string;
  email: string;
  userId: number;
  accountId: number | null;
  link: string;
}): OutgoingEmail {
  return {
    kind: "invitation",
    toAddress: to.email,
    subject: "You have been invited to Trunkline",
    bodyText: [
      `Hello ${to.name},`,
      "",
      "You have been invited to Trunkline. Choose your password here:",
      "",
      to.link,
      "",
      "The link works once and expires in 72 hours.",
    ].join("\n"),
    userId: to.userId,
    accountId: to.accountId,
  };
}

export function passwordResetEmail(to: {
  name: string;
  email: string;
  userId: number;
  accountId: number | null;
  link: string;
  hours: number;
}): OutgoingEmail {
  return {
    kind: "password_reset",
    toAddress: to.email,
    subject: "Reset your Trunkline password",
    bodyText: [
      `Hello ${to.name},`,
      "",
      "A password reset was requested for your Trunkline sign-in. Choose a new password here:",
      "",
      to.link,
      "",
      `The link works once and expires in ${to.hours} hours. If you did not expect this, ignore it.`,
    ].join("\n"),
    userId: to.userId,
    accountId: to.accountId,
  };
}
