import { describe, expect, it } from 'vitest';
import type { SupportClient } from '../support-client';
import type { LiveData } from './live-data';
import { createBotDispatcher, createSupportBot, type BotTurn } from './support-bot';

function fakeSupport() {
  const posted: { conversationId: string; text: string; intent?: string }[] = [];
  const handOffs: { conversationId: string; reason: string; summary: string }[] = [];
  const support: SupportClient = {
    receiveInboundMessage: () => Promise.reject(new Error('not used')),
    postBotMessage: async (input) => {
      posted.push(input);
      return { userErrors: [] };
    },
    handOffConversation: async (input) => {
      handOffs.push(input);
      return { userErrors: [] };
    },
  };
  return { support, posted, handOffs };
}

const liveData: LiveData = {
  stores: async () => [{ id: 'loc_b', name: 'Berlin Mitte', city: 'Berlin', street: 'Rosenthaler Str. 40', openingHours: [{ weekday: 1, opens: '10:00', closes: '20:00' }] }],
  latestOrder: async () => ({ id: 'ord_1', placedAt: '2026-11-20T10:00:00.000Z', total: { amount: '10.00', currencyCode: 'EUR' }, method: 'DELIVERY', status: 'SHIPPED', locationName: 'Leipzig', readyBy: null, estimatedDeliveryAt: null }),
  cart: async () => null,
  productStock: async (search) => (search === 'alpine parka' ? { title: 'Alpine Parka', byStore: [{ storeId: 'loc_b', available: 4 }] } : null),
  displayName: async () => 'Anna Ivanova',
};

const turn = (text: string, conversationId = 'conv_1'): BotTurn => ({ conversationId, customerId: 'cus_anna', provider: 'TELEGRAM', senderName: 'Anna', text });

describe('support bot', () => {
  it('answers from live data with the intent named', async () => {
    const { support, posted, handOffs } = fakeSupport();
    const bot = createSupportBot({ support, liveData });
    await bot.handle(turn('Есть ли Alpine Parka в Берлине?'));
    await bot.handle(turn('where is my order'));
    expect(posted).toEqual([
      { conversationId: 'conv_1', text: 'Alpine Parka есть в магазине Berlin Mitte: 4 шт.', intent: 'stock' },
      { conversationId: 'conv_1', text: expect.stringContaining('ord_1') as string, intent: 'order_status' },
    ]);
    expect(handOffs).toEqual([]);
  });

  it('hands off at once when a person is asked for (support tells the customer)', async () => {
    const { support, posted, handOffs } = fakeSupport();
    const bot = createSupportBot({ support, liveData });
    await bot.handle(turn('where is my order'));
    await bot.handle(turn('Позовите оператора'));
    expect(posted.map((message) => message.intent)).toEqual(['order_status']);
    expect(handOffs).toHaveLength(1);
    expect(handOffs[0]).toMatchObject({ conversationId: 'conv_1', reason: 'CUSTOMER_ASKED' });
    expect(handOffs[0]!.summary).toContain('Anna Ivanova (cus_anna)');
    expect(handOffs[0]!.summary).toContain('Bot tried: order status: answered');
    expect(handOffs[0]!.summary).toContain('Last order: ord_1');
  });

  it('asks once when it does not understand, and hands off on the second time in a row', async () => {
    const { support, posted, handOffs } = fakeSupport();
    const bot = createSupportBot({ support, liveData });
    await bot.handle(turn('blah blah'));
    expect(handOffs).toEqual([]);
    expect(posted[0]!.text).toContain('did not understand');
    await bot.handle(turn('blah again'));
    expect(handOffs).toMatchObject([{ reason: 'UNKNOWN_INTENT' }]);
  });

  it('forgives a miss after a good answer, and counts misses per conversation', async () => {
    const { support, handOffs } = fakeSupport();
    const bot = createSupportBot({ support, liveData });
    await bot.handle(turn('blah blah'));
    await bot.handle(turn('where is my order'));
    await bot.handle(turn('blah blah'));
    await bot.handle(turn('blah blah', 'conv_2'));
    expect(handOffs).toEqual([]);
  });

  it('hands off after two questions it could not answer', async () => {
    const { support, handOffs } = fakeSupport();
    const bot = createSupportBot({ support, liveData: { ...liveData, latestOrder: () => Promise.reject(new Error('gateway down')) }, logError: () => {} });
    await bot.handle(turn('is Unicorn Hat in stock in Berlin'));
    await bot.handle(turn('where is my order'));
    expect(handOffs).toMatchObject([{ reason: 'REPEATED_FAILURE' }]);
    expect(handOffs[0]!.summary).toContain('stock of "unicorn hat" in berlin: product not found');
    expect(handOffs[0]!.summary).toContain('order status: live data unavailable');
    expect(handOffs[0]!.summary).toContain('Last order: could not be read');
  });

  it('answers the turns of one conversation in order, even when they come at once', async () => {
    const { support, posted } = fakeSupport();
    const slow: LiveData = { ...liveData, stores: () => new Promise((resolve) => setTimeout(() => resolve(liveData.stores()), 30)) };
    const dispatcher = createBotDispatcher(createSupportBot({ support, liveData: slow }));
    dispatcher.enqueue(turn('opening hours'));
    dispatcher.enqueue(turn('where is my order'));
    await dispatcher.idle();
    expect(posted.map((message) => message.intent)).toEqual(['opening_hours', 'order_status']);
  });
});
