// Adding people to a project and changing their role.
import { z } from "zod";
import { ROLES } from "@/lib/templates/schema";

export const addMemberSchema = z.object({ email: z.string().trim().toLowerCase().email().max(320), role: z.enum(ROLES) }).strict();
export const setMemberRoleSchema = z.object({ role: z.enum(ROLES) }).strict();

export type AddMemberInput = z.infer<typeof addMemberSchema>;
