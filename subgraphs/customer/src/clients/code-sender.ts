/** Delivers one-time sign-in codes: email, SMS or a messenger bot in production, a log line by default. */
export interface CodeSender {
  send(message: { kind: string; value: string; code: string; expiresAt: Date }): Promise<void>;
}

/** Prints the code: enough to sign in on a development machine, never for production. */
export function createConsoleCodeSender(log: (line: string) => void = (line) => console.log(line)): CodeSender {
  return {
    async send({ kind, value, code, expiresAt }) {
      log(`[sign-in] code for ${kind} ${value}: ${code} (valid until ${expiresAt.toISOString()})`);
    },
  };
}
