// Recording a deploy of a release to one environment.
import { z } from "zod";
import { environmentName } from "./common";

export const deploymentInputSchema = z.object({ environment: environmentName }).strict();
