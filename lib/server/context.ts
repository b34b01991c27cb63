// What every use case knows about its caller.
import type { Principal } from "@/lib/auth/principal";

export type ServerContext = { principal: Principal; requestId?: string; ip?: string | null };
