import { route } from "@/lib/api/endpoint";
import { userEndpoints } from "@/lib/api/v1/users";

export const GET = route(userEndpoints.get);
