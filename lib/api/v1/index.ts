import type { Endpoint } from "../endpoint";
import { accountEndpoints } from "./accounts";
import { brandingEndpoints } from "./branding";

/**
 * Every endpoint of /api/v1: what the OpenAPI document describes. Route files bind them one by
 * one; test/openapi.test.ts fails when a route file's method is missing here (or the reverse).
 */
export const ENDPOINTS: readonly Endpoint[] = [
  ...Object.values(accountEndpoints),
  ...Object.values(brandingEndpoints),
];
