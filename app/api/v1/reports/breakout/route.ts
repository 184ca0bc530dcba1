import { route } from "@/lib/api/endpoint";
import { breakoutEndpoints } from "@/lib/api/v1/breakout";

export const GET = route(breakoutEndpoints.report);
