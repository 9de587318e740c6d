import { authRouter } from "./routers/auth.js";
import { deploymentRouter } from "./routers/deployment.js";
import { devMailboxRouter } from "./routers/dev-mailbox.js";
import { githubRouter } from "./routers/github.js";
import { userRouter } from "./routers/user.js";
import { createCallerFactory, createTRPCRouter } from "./trpc.js";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  user: userRouter,
  devMailbox: devMailboxRouter,
  deployment: deploymentRouter,
  github: githubRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
