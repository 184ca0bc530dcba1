import { route } from "@/lib/api/endpoint";
import { cdrEndpoints } from "@/lib/api/v1/cdrs";

export const GET = route(cdrEndpoints.list);
