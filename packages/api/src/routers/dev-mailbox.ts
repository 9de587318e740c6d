import { listDevMailbox } from "../services/mail/index.js";
import { createTRPCRouter, publicProcedure } from "../trpc.js";

// A development tool behind DEV_MAILBOX, so it has no REST route. It is public
// on purpose: whoever asks for a reset link cannot sign in yet.
export const devMailboxRouter = createTRPCRouter({
  list: publicProcedure.query(({ ctx }) => listDevMailbox(ctx.db, ctx.env)),
});
