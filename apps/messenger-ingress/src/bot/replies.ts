import type { Language } from './intents';
import type { StoreInfo } from './places';

/**
 * Every text the bot writes, in Russian and English, from live data handed in. Pure, so each
 * answer can be checked word for word in tests.
 */
export interface Money {
  amount: string;
  currencyCode: string;
}

export interface OrderSummary {
  id: string;
  placedAt: string;
  total: Money;
  method: 'DELIVERY' | 'PICKUP' | 'SHIP_FROM_STORE';
  status: 'UNFULFILLED' | 'READY_FOR_PICKUP' | 'PICKED_UP' | 'SHIPPED';
  locationName: string;
  readyBy: string | null;
  estimatedDeliveryAt: string | null;
}

export interface CartSummary {
  totalQuantity: number;
  total: Money;
  lines: { title: string; quantity: number }[];
}

export interface ProductStock {
  title: string;
  /** Units available to sell per store, summed over the product's variants. */
  byStore: { storeId: string; available: number }[];
}

const LOCALE: Record<Language, string> = { ru: 'ru-RU', en: 'en-GB' };
/** Dates as the shops' customers read them: the stores are in Germany. */
const TIME_ZONE = 'Europe/Berlin';

export function formatMoney(money: Money, language: Language): string {
  // Intl formats the decimal string exactly; converting to a number first could round it.
  return new Intl.NumberFormat(LOCALE[language], { style: 'currency', currency: money.currencyCode }).format(money.amount as unknown as number);
}

function formatDate(iso: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALE[language], { day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE }).format(new Date(iso));
}

const WEEKDAYS: Record<Language, string[]> = {
  ru: ['пн', 'вт', 'ср', 'чт', 'пт', 'сб', 'вс'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};

/** "пн–сб 10:00–20:00, вс выходной": consecutive days with the same hours in one range. */
export function formatOpeningHours(hours: StoreInfo['openingHours'], language: Language): string {
  const byDay = new Map(hours.map((entry) => [entry.weekday, `${entry.opens}–${entry.closes}`]));
  const ranges: { from: number; to: number; hours: string | undefined }[] = [];
  for (let day = 1; day <= 7; day += 1) {
    const last = ranges.at(-1);
    if (last && last.hours === byDay.get(day)) last.to = day;
    else ranges.push({ from: day, to: day, hours: byDay.get(day) });
  }
  const closed = language === 'ru' ? 'выходной' : 'closed';
  return ranges
    .map(({ from, to, hours: range }) => {
      const days = from === to ? WEEKDAYS[language][from - 1] : `${WEEKDAYS[language][from - 1]}–${WEEKDAYS[language][to - 1]}`;
      return `${days} ${range ?? closed}`;
    })
    .join(', ');
}

export function openingHoursReply(stores: readonly StoreInfo[], language: Language): string {
  const lines = stores.map((store) => `${store.name} (${store.street}, ${store.city}): ${formatOpeningHours(store.openingHours, language)}`);
  return `${language === 'ru' ? 'Часы работы:' : 'Opening hours:'}\n${lines.join('\n')}`;
}

const STATUS_TEXT: Record<Language, Record<OrderSummary['status'], (order: OrderSummary) => string>> = {
  ru: {
    UNFULFILLED: () => 'принят и готовится к отправке',
    READY_FOR_PICKUP: (order) => `готов к выдаче в магазине ${order.locationName}`,
    PICKED_UP: (order) => `получен в магазине ${order.locationName}`,
    SHIPPED: () => 'передан в доставку',
  },
  en: {
    UNFULFILLED: () => 'placed and being prepared',
    READY_FOR_PICKUP: (order) => `ready for pickup at ${order.locationName}`,
    PICKED_UP: (order) => `picked up at ${order.locationName}`,
    SHIPPED: () => 'shipped',
  },
};

export function orderStatusReply(order: OrderSummary | null, language: Language): string {
  if (!order) return language === 'ru' ? 'У вас пока нет заказов.' : 'You have no orders yet.';
  const status = STATUS_TEXT[language][order.status](order);
  const when = order.status === 'UNFULFILLED' ? (order.method === 'PICKUP' ? order.readyBy : order.estimatedDeliveryAt) : null;
  const total = formatMoney(order.total, language);
  const date = formatDate(order.placedAt, language);
  if (language === 'ru') {
    const expected = when ? (order.method === 'PICKUP' ? ` Будет готов к выдаче в ${order.locationName} к ${formatDate(when, language)}.` : ` Ожидаемая доставка: ${formatDate(when, language)}.`) : '';
    return `Ваш последний заказ ${order.id} от ${date} на ${total}: ${status}.${expected}`;
  }
  const expected = when ? (order.method === 'PICKUP' ? ` It will be ready at ${order.locationName} by ${formatDate(when, language)}.` : ` Expected delivery: ${formatDate(when, language)}.`) : '';
  return `Your latest order ${order.id} of ${date} for ${total} is ${status}.${expected}`;
}

export function cartReply(cart: CartSummary | null, language: Language): string {
  if (!cart || cart.totalQuantity === 0) return language === 'ru' ? 'Ваша корзина пуста.' : 'Your cart is empty.';
  const lines = cart.lines.map((line) => `• ${line.title} × ${line.quantity}`).join('\n');
  const total = formatMoney(cart.total, language);
  return language === 'ru'
    ? `В корзине ${cart.totalQuantity} шт. на ${total}:\n${lines}`
    : `Your cart has ${cart.totalQuantity} item${cart.totalQuantity === 1 ? '' : 's'} for ${total}:\n${lines}`;
}

/** The answer to "is X in stock (in Y)": at the named stores, or at every store with stock. */
export function stockReply(stock: ProductStock, stores: readonly StoreInfo[], named: readonly StoreInfo[] | null, language: Language): string {
  const availableAt = (store: StoreInfo) => stock.byStore.find((level) => level.storeId === store.id)?.available ?? 0;
  if (named) {
    return named
      .map((store) => {
        const available = availableAt(store);
        if (language === 'ru') return available > 0 ? `${stock.title} есть в магазине ${store.name}: ${available} шт.` : `${stock.title} сейчас нет в магазине ${store.name}.`;
        return available > 0 ? `${stock.title} is in stock at ${store.name}: ${available} available.` : `${stock.title} is not in stock at ${store.name} right now.`;
      })
      .join('\n');
  }
  const withStock = stores.filter((store) => availableAt(store) > 0);
  if (withStock.length === 0) return language === 'ru' ? `${stock.title} сейчас нет ни в одном магазине.` : `${stock.title} is not in stock at any store right now.`;
  const list = withStock.map((store) => `${store.name}: ${availableAt(store)}`).join(', ');
  return language === 'ru' ? `${stock.title} есть в магазинах: ${list} шт.` : `${stock.title} is in stock at ${list} available.`;
}

export function returnsReply(stores: readonly StoreInfo[], language: Language): string {
  const list = stores.map((store) => `${store.name} (${store.street}, ${store.city})`).join('; ');
  return language === 'ru'
    ? `Вернуть покупку можно в любом нашем магазине, где бы вы её ни купили: возьмите товар и номер заказа, деньги вернутся тем же способом оплаты, баллы — на счёт. Магазины: ${list}.`
    : `You can return a purchase at any of our stores, wherever you bought it: bring the item and your order number; the money goes back to how you paid and points to your account. Stores: ${list}.`;
}

export function helpReply(language: Language): string {
  return language === 'ru'
    ? 'Здравствуйте! Я бот магазина. Могу подсказать статус заказа, часы работы магазинов, наличие товара («есть ли Alpine Parka в Берлине»), что в вашей корзине и как оформить возврат. Чтобы поговорить с человеком, напишите «оператор».'
    : 'Hello! I am the shop\'s bot. I can tell you your order status, store opening hours, whether a product is in stock ("is Alpine Parka in stock in Berlin"), what is in your cart and how to return something. To talk to a person, write "agent".';
}

export function notUnderstoodReply(language: Language): string {
  return language === 'ru'
    ? 'Извините, я не понял вопрос. Я могу подсказать статус заказа, часы работы, наличие товара, содержимое корзины и условия возврата. Или напишите «оператор» — позову человека.'
    : 'Sorry, I did not understand. I can help with your order status, opening hours, stock, your cart and returns. Or write "agent" and I will call a person.';
}

export function productNotFoundReply(product: string, language: Language): string {
  return language === 'ru' ? `Не нашёл товар «${product}». Уточните название?` : `I could not find "${product}". Could you give the product's name?`;
}

export function placeNotFoundReply(stores: readonly StoreInfo[], language: Language): string {
  const cities = [...new Set(stores.map((store) => store.city))].join(', ');
  return language === 'ru' ? `Такого магазина я не знаю. Наши магазины: ${cities}.` : `I do not know that store. Our stores are in ${cities}.`;
}

export function notSignedInReply(language: Language): string {
  return language === 'ru'
    ? 'Не вижу вашего профиля покупателя, поэтому не могу посмотреть заказы и корзину. Напишите «оператор», и вам поможет человек.'
    : 'I cannot see your customer profile, so I cannot look at your orders or cart. Write "agent" and a person will help.';
}

export function unavailableReply(language: Language): string {
  return language === 'ru' ? 'Извините, не получилось проверить это сейчас. Попробуйте ещё раз через минуту.' : 'Sorry, I could not check that right now. Please try again in a minute.';
}
