import { canonicalJson, signCallerContext, CALLER_CONTEXT_LIFETIME_SECONDS, type Caller, type SignedOperation } from '@omni/auth';

/**
 * How long a signed caller header is reused for the same caller and the same fetch. A header is
 * valid for CALLER_CONTEXT_LIFETIME_SECONDS (15 s) after it was signed, so a reused one still has
 * at least two thirds of its lifetime ahead when it is sent: a fetch late in a long query plan
 * never presents an expired header. A captured header is no more useful than before: it was valid
 * for the same operation, variables and caller for that long anyway.
 */
export const SIGNATURE_REUSE_MS = (CALLER_CONTEXT_LIFETIME_SECONDS * 1000) / 3;

/** Headers kept per subgraph at most; a client base's fetches repeated within a few seconds. */
const MAX_ENTRIES = 10_000;
/** Characters of keys kept per subgraph at most (entity fetches carry their representations). */
const MAX_KEY_CHARS = 16 * 1024 * 1024;

/** The caller in the form it is signed in, once per caller object (a caller is never changed). */
const signedCallers = new WeakMap<Caller, string>();

function signedCallerOf(caller: Caller): string {
  let text = signedCallers.get(caller);
  if (text === undefined) signedCallers.set(caller, (text = canonicalJson(caller)));
  return text;
}

/**
 * The caller headers of one subgraph's fetches. Signing costs a canonical serialisation and a
 * SHA-256 of the whole operation (query, variables, entity representations) and an HMAC; a
 * client repeating an operation (a storefront polling a cart, a page reloaded) asks the
 * subgraphs the very same fetches, so the header signed for the first is sent with the
 * repeats while it is fresh (SIGNATURE_REUSE_MS). The key is the caller as signed and the exact
 * request body: the same body is the same query, operation name and variables, so the same
 * operation digest.
 */
export class CallerSignatures {
  private readonly signed = new Map<string, { header: string; signedAtMs: number }>();
  private keyChars = 0;

  constructor(
    private readonly signingSecret: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Headers kept right now (for tests). */
  get size(): number {
    return this.signed.size;
  }

  async headerFor(caller: Caller, operation: SignedOperation, body: string): Promise<string> {
    const key = `${signedCallerOf(caller)}\n${body}`;
    const nowMs = this.now();
    const known = this.signed.get(key);
    if (known && nowMs >= known.signedAtMs && nowMs - known.signedAtMs < SIGNATURE_REUSE_MS) return known.header;
    const header = await signCallerContext(this.signingSecret, { caller, ...operation });
    this.forget(key);
    this.dropStale(nowMs);
    this.signed.set(key, { header, signedAtMs: nowMs });
    this.keyChars += key.length;
    return header;
  }

  private forget(key: string): void {
    if (this.signed.delete(key)) this.keyChars -= key.length;
  }

  /** Entries are in signing order, so the stale ones (and, when full, the oldest) are at the front. */
  private dropStale(nowMs: number): void {
    for (const [key, entry] of this.signed) {
      const full = this.signed.size >= MAX_ENTRIES || this.keyChars > MAX_KEY_CHARS;
      if (!full && nowMs >= entry.signedAtMs && nowMs - entry.signedAtMs < SIGNATURE_REUSE_MS) return;
      this.forget(key);
    }
  }
}
