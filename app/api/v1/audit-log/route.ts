import { route } from "@/lib/api/endpoint";
import { auditLogEndpoints } from "@/lib/api/v1/audit-log";

export const GET = route(auditLogEndpoints.list);
