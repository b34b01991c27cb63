// A person changing their own password. Every problem is reported at once, in words a person
// reads, so the form can show them all next to their fields.
import { z } from "zod";

export const PASSWORD_MIN_LENGTH = 12;
/** Sign-in accepts passwords up to this length (lib/auth/credentials.ts); a longer one could never be used. */
export const PASSWORD_MAX_LENGTH = 1024;

type Fields = { currentPassword: string; newPassword: string; confirmPassword?: string };

function checkPasswords(value: Fields, ctx: z.RefinementCtx) {
  const problem = (path: keyof Fields, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (value.currentPassword === "") problem("currentPassword", "Enter your current password.");
  const length = [...value.newPassword].length;
  if (length === 0) problem("newPassword", "Enter a new password.");
  else if (length < PASSWORD_MIN_LENGTH) problem("newPassword", `The new password is too short: it has ${length} characters and needs at least ${PASSWORD_MIN_LENGTH}.`);
  else if (length > PASSWORD_MAX_LENGTH) problem("newPassword", `The new password is too long: it has ${length} characters and may have at most ${PASSWORD_MAX_LENGTH}.`);
  else if (value.newPassword.trim() === "") problem("newPassword", "The new password cannot be only spaces.");
  else if (value.currentPassword !== "" && value.newPassword === value.currentPassword) problem("newPassword", "The new password is the same as the current one. Choose a different one.");
  if (value.confirmPassword !== undefined && value.confirmPassword !== value.newPassword) {
    problem("confirmPassword", "The two new passwords are different. Type the same new password twice.");
  }
}

/** `POST /api/v1/me/password`. */
export const changePasswordSchema = z
  .strictObject({
    currentPassword: z.string().meta({ description: "The password the account has now." }),
    newPassword: z.string().meta({ description: `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, different from the current one.` }),
  })
  .superRefine(checkPasswords);

/** The account page's form, which also asks for the new password twice. */
export const changePasswordFormSchema = z
  .strictObject({ currentPassword: z.string(), newPassword: z.string(), confirmPassword: z.string() })
  .superRefine(checkPasswords);

export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;
