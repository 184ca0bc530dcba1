import { route } from "@/lib/api/endpoint";
import { accountEndpoints } from "@/lib/api/v1/accounts";

export const GET = route(accountEndpoints.list);
export const POST = route(accountEndpoints.create);
