import { LRUCache } from 'lru-cache';
import type { HandOffReason, SupportClient } from '../support-client';
import { handOffSummary } from './hand-off-summary';
import { recogniseIntent, type Intent, type IntentKind, type Language } from './intents';
import type { LiveData } from './live-data';
import { storesNamedIn } from './places';
import {
  cartReply,
  helpReply,
  notSignedInReply,
  notUnderstoodReply,
  openingHoursReply,
  orderStatusReply,
  placeNotFoundReply,
  productNotFoundReply,
  returnsReply,
  stockReply,
  unavailableReply,
} from './replies';

/** One customer message of a conversation the bot is in charge of (status BOT). */
export interface BotTurn {
  conversationId: string;
  customerId: string | null;
  provider: string;
  senderName: string | null;
  text: string;
}

/** What the bot remembers of a conversation between turns. */
interface ConversationMemory {
  /** Unanswered turns in a row: a message not understood, or a question the bot could not answer. */
  misses: ('unknown' | 'failed')[];
  /** What the bot did, for the hand-off summary. */
  tried: string[];
}

type Answer = { text: string; outcome: 'answered' | 'failed'; note: string };

/** Two unanswered turns in a row hand the conversation to a person. */
export const MISSES_BEFORE_HAND_OFF = 2;

export interface SupportBot {
  handle(turn: BotTurn): Promise<void>;
}

export function createSupportBot(options: { support: SupportClient; liveData: LiveData; logError?: (line: string) => void }): SupportBot {
  const { support, liveData } = options;
  const logError = options.logError ?? ((line) => console.error(line));
  // Per conversation, in this process only: after a restart the bot merely forgets one miss,
  // which delays a hand-off by one message at most. Bounded and expiring, so it cannot grow.
  const memory = new LRUCache<string, ConversationMemory>({ max: 10_000, ttl: 6 * 60 * 60 * 1000 });

  async function post(conversationId: string, text: string, intent: IntentKind): Promise<void> {
    // The support subgraph takes intents in lower case (`order_status`).
    const result = await support.postBotMessage({ conversationId, text, intent: intent.toLowerCase() });
    if (result.userErrors.length > 0) logError(`bot: message to ${conversationId} refused: ${result.userErrors.map((error) => error.code).join(', ')}`);
  }

  async function answer(intent: Intent, language: Language, customerId: string | null): Promise<Answer> {
    switch (intent.kind) {
      case 'GREETING':
        return { text: helpReply(language), outcome: 'answered', note: 'greeting' };
      case 'RETURNS':
        return { text: returnsReply(await liveData.stores(), language), outcome: 'answered', note: 'how to return: answered' };
      case 'OPENING_HOURS': {
        const stores = await liveData.stores();
        const named = storesNamedIn(intent.place, stores);
        return { text: openingHoursReply(named.length > 0 ? named : stores, language), outcome: 'answered', note: 'opening hours: answered' };
      }
      case 'ORDER_STATUS': {
        if (!customerId) return { text: notSignedInReply(language), outcome: 'failed', note: 'order status: no customer profile' };
        return { text: orderStatusReply(await liveData.latestOrder(customerId), language), outcome: 'answered', note: 'order status: answered' };
      }
      case 'CART': {
        if (!customerId) return { text: notSignedInReply(language), outcome: 'failed', note: 'cart: no customer profile' };
        return { text: cartReply(await liveData.cart(customerId), language), outcome: 'answered', note: 'cart: answered' };
      }
      case 'STOCK': {
        const stores = await liveData.stores();
        const named = intent.place ? storesNamedIn(intent.place, stores) : null;
        const asked = `stock of "${intent.product}"${intent.place ? ` in ${intent.place}` : ''}`;
        if (named && named.length === 0) return { text: placeNotFoundReply(stores, language), outcome: 'failed', note: `${asked}: store not found` };
        const stock = await liveData.productStock(intent.product, customerId);
        if (!stock) return { text: productNotFoundReply(intent.product, language), outcome: 'failed', note: `${asked}: product not found` };
        return { text: stockReply(stock, stores, named, language), outcome: 'answered', note: `${asked}: answered (${stock.title})` };
      }
      case 'HUMAN':
      case 'UNKNOWN':
        throw new Error(`${intent.kind} is not answered`);
    }
  }

  async function handOff(turn: BotTurn, reason: HandOffReason, tried: string[]): Promise<void> {
    const customerId = turn.customerId;
    const read = async <T>(load: () => Promise<T>): Promise<T | 'unavailable'> => load().catch(() => 'unavailable' as const);
    const [displayName, cart, latestOrder] = customerId
      ? await Promise.all([read(() => liveData.displayName(customerId)), read(() => liveData.cart(customerId)), read(() => liveData.latestOrder(customerId))])
      : [null, null, null];
    const summary = handOffSummary({
      reason,
      provider: turn.provider,
      customerId,
      displayName: displayName === 'unavailable' ? null : displayName,
      senderName: turn.senderName,
      cart,
      latestOrder,
      tried,
      lastMessage: turn.text,
    });
    // The support subgraph tells the customer they are in the queue, in the same step.
    const result = await support.handOffConversation({ conversationId: turn.conversationId, reason, summary });
    if (result.userErrors.length > 0) logError(`bot: hand-off of ${turn.conversationId} refused: ${result.userErrors.map((error) => error.code).join(', ')}`);
    memory.delete(turn.conversationId);
  }

  return {
    async handle(turn) {
      const { language, intent } = recogniseIntent(turn.text);
      const remembered = memory.get(turn.conversationId) ?? { misses: [], tried: [] };
      const state: ConversationMemory = { misses: [...remembered.misses], tried: [...remembered.tried].slice(-10) };

      if (intent.kind === 'HUMAN') {
        await handOff(turn, 'CUSTOMER_ASKED', state.tried);
        return;
      }
      let reply: Answer;
      if (intent.kind === 'UNKNOWN') {
        reply = { text: notUnderstoodReply(language), outcome: 'failed', note: 'message not understood' };
        state.misses.push('unknown');
      } else {
        try {
          reply = await answer(intent, language, turn.customerId);
        } catch (error) {
          logError(`bot: could not answer ${intent.kind} in ${turn.conversationId}: ${error instanceof Error ? error.message : String(error)}`);
          reply = { text: unavailableReply(language), outcome: 'failed', note: `${intent.kind.toLowerCase().replace('_', ' ')}: live data unavailable` };
        }
        if (reply.outcome === 'failed') state.misses.push('failed');
        else state.misses = [];
      }
      state.tried.push(reply.note);

      if (state.misses.length >= MISSES_BEFORE_HAND_OFF) {
        await handOff(turn, state.misses.every((miss) => miss === 'unknown') ? 'UNKNOWN_INTENT' : 'REPEATED_FAILURE', state.tried);
        return;
      }
      memory.set(turn.conversationId, state);
      await post(turn.conversationId, reply.text, intent.kind);
    },
  };
}

/**
 * Runs bot turns off the webhook's request, so the provider gets its 200 at once, and one after
 * another per conversation, so two quick messages are answered in the order they came.
 */
export interface BotDispatcher {
  enqueue(turn: BotTurn): void;
  /** Resolves when every turn enqueued so far has been handled (tests, shutdown). */
  idle(): Promise<void>;
}

export function createBotDispatcher(bot: SupportBot, logError: (line: string) => void = (line) => console.error(line)): BotDispatcher {
  const chains = new Map<string, Promise<void>>();
  return {
    enqueue(turn) {
      const previous = chains.get(turn.conversationId) ?? Promise.resolve();
      const next = previous
        .then(() => bot.handle(turn))
        .catch((error: unknown) => logError(`bot: turn in ${turn.conversationId} failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          if (chains.get(turn.conversationId) === next) chains.delete(turn.conversationId);
        });
      chains.set(turn.conversationId, next);
    },
    async idle() {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}
