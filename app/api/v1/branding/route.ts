import { route } from "@/lib/api/endpoint";
import { brandingEndpoints } from "@/lib/api/v1/branding";

export const GET = route(brandingEndpoints.get);
export const PUT = route(brandingEndpoints.save);
