import { route } from "@/lib/api/endpoint";
import { brandingEndpoints } from "@/lib/api/v1/branding";

export const POST = route(brandingEndpoints.publish);
