import { route } from "@/lib/api/endpoint";
import { ingressEndpoints } from "@/lib/api/v1/ingress";

export const GET = route(ingressEndpoints.list);
export const POST = route(ingressEndpoints.create);
