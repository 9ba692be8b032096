import { SandboxEnvError, readSandboxEnv } from "./env.ts";
import { startSandbox } from "./server.ts";

try {
  const options = readSandboxEnv(process.env);
  const sandbox = await startSandbox(options);
  console.log(
    `[sandbox] Stripe + TossPayments sandbox listening on ${sandbox.url} (webhooks -> ${options.stripeWebhookUrl}, ${options.tossWebhookUrl})`,
  );
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
} catch (error) {
  if (error instanceof SandboxEnvError) {
    console.error(`[sandbox] ${error.message}`);
    process.exit(1);
  }
  throw error;
}
