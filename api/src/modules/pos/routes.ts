// Where POS systems deliver: the generic signed webhook, iiko's webhook and r_keeper's FarCards
// calls. None of these take staff or guest credentials; each checks its own integration's secret.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { EngineDeps } from "../../core/context.ts";
import type { AppEnv } from "../../http/context.ts";
import { genericIntakeRoutes, type PosIntakeOptions } from "./generic-intake.ts";
import { iikoIntakeRoutes } from "./iiko-intake.ts";
import { rkeeperIntakeRoutes } from "./rkeeper-intake.ts";

export function posIntakeRoutes(engine: EngineDeps, options: PosIntakeOptions) {
  return new OpenAPIHono<AppEnv>()
    .route("/", genericIntakeRoutes(engine, options))
    .route("/", iikoIntakeRoutes(engine, options))
    .route("/", rkeeperIntakeRoutes(engine, options));
}
