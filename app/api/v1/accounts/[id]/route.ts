import { route } from "@/lib/api/endpoint";
import { accountEndpoints } from "@/lib/api/v1/accounts";

export const GET = route(accountEndpoints.get);
export const PUT = route(accountEndpoints.update);
export const DELETE = route(accountEndpoints.delete);
