import { route } from "@/lib/api/endpoint";
import { ingressEndpoints } from "@/lib/api/v1/ingress";

export const GET = route(ingressEndpoints.get);
export const PUT = route(ingressEndpoints.update);
export const DELETE = route(ingressEndpoints.delete);
