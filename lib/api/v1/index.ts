import type { Endpoint } from "../endpoint";
import { accountEndpoints } from "./accounts";
import { auditLogEndpoints } from "./audit-log";
import { brandingEndpoints } from "./branding";
import { breakoutEndpoints } from "./breakout";
import { cdrEndpoints } from "./cdrs";
import { ingressEndpoints } from "./ingress";
import { userEndpoints } from "./users";

/**
 * Every endpoint of /api/v1: what the OpenAPI document describes. Route files bind them one by
 * one; test/openapi.test.ts fails when a route file's method is missing here (or the reverse).
 */
export const ENDPOINTS: readonly Endpoint[] = [
  ...Object.values(accountEndpoints),
  ...Object.values(ingressEndpoints),
  ...Object.values(userEndpoints),
  ...Object.values(cdrEndpoints),
  ...Object.values(breakoutEndpoints),
  ...Object.values(auditLogEndpoints),
  ...Object.values(brandingEndpoints),
];
