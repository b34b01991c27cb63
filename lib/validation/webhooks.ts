// Webhook endpoints of a project and people's notification choices.
import { z } from "zod";
import { NOTIFICATION_TYPES } from "@/lib/notifications/events";

const endpointUrl = z
  .string()
  .trim()
  .max(2000, "a webhook URL is at most 2,000 characters")
  .url("must be a URL such as https://hooks.example.com/shipcheck")
  .refine((u) => /^https?:\/\//i.test(u), "only http and https URLs can receive webhooks")
  .refine((u) => !/^https?:\/\/[^/]*@/i.test(u), "put no user name or password in the URL: the signature proves who sends");

export const createWebhookSchema = z
  .object({
    url: endpointUrl,
    format: z.enum(["standard", "slack"]).default("standard"),
    /** Empty or left out: every type. */
    events: z.array(z.enum(NOTIFICATION_TYPES)).max(NOTIFICATION_TYPES.length).default([]),
  })
  .strict();

export const notificationPreferencesSchema = z.object({ optOut: z.array(z.enum(NOTIFICATION_TYPES)).max(NOTIFICATION_TYPES.length) }).strict();


export const emailNotificationsSchema = z.object({ email: z.boolean() }).strict();
