/**
 * What a customer's message asks for, by fixed keyword and pattern rules in Russian and English.
 * Deterministic on purpose: the same words always get the same answer, every rule has a test,
 * and anything the rules do not recognise goes to a person rather than to a guess.
 */
export type Language = 'ru' | 'en';

export type Intent =
  | { kind: 'HUMAN' }
  | { kind: 'RETURNS' }
  | { kind: 'STOCK'; product: string; place: string | null }
  | { kind: 'OPENING_HOURS'; place: string }
  | { kind: 'ORDER_STATUS' }
  | { kind: 'CART' }
  | { kind: 'GREETING' }
  | { kind: 'UNKNOWN' };

export type IntentKind = Intent['kind'];

export interface Recognised {
  language: Language;
  intent: Intent;
}

/** Lower case, `ё` as `е`, punctuation as spaces: the rules see words only. */
export function normaliseText(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}\s-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Russian when the message has at least as many Cyrillic letters as Latin ones. */
export function detectLanguage(text: string): Language {
  const cyrillic = text.match(/\p{Script=Cyrillic}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return cyrillic > 0 && cyrillic >= latin ? 'ru' : 'en';
}

/** Words that start with one of the stems: `оператор` matches `оператора`, not `кооператор`. */
function stems(...words: string[]): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.join('|')})`, 'u');
}

/** Whole words only: `hi` must not match `history`, nor `cart` `cartoon`. */
function words(...list: string[]): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${list.join('|')})(?![\\p{L}\\p{N}])`, 'u');
}

const HUMAN = [
  stems('оператор', 'живого человека', 'живой человек', 'человеком', 'с человеком', 'менеджер', 'консультант', 'сотрудник', 'позовите', 'позови', 'соедините'),
  words('humans?', 'agents?', 'operators?', 'real person', 'live person', 'representative', 'talk to someone', 'speak to someone', 'talk to a person', 'speak to a person'),
];

const RETURNS = [
  stems('возврат', 'вернуть', 'верну ', 'сдать товар', 'сдать обратно', 'обменять', 'обмен '),
  stems('return', 'refund', 'send back', 'send it back', 'exchange'),
];

const ORDER_STATUS = [
  stems('где (?:мой |моя |мои )?(?:заказ|посылк)', 'статус заказа', 'статус моего заказа', 'отследить', 'трек', 'когда (?:придет|приедет|доставят|привезут)', 'заказ(?!ать)'),
  stems('where is my (?:order|parcel|package)', 'order status', 'status of my order', 'track', 'when will my (?:order|parcel|package)', 'has my order', 'my order', 'my parcel', 'my package'),
];

const OPENING_HOURS = [
  stems('часы работы', 'режим работы', 'график работы', 'во сколько (?:вы )?(?:открыва|закрыва|работает|работаете)', 'когда (?:вы )?(?:открыва|закрыва|работает|работаете)', 'до скольки', 'со скольки', 'открыт', 'работаете'),
  stems('opening hours', 'opening times', 'business hours', 'store hours', 'shop hours', 'hours', 'when (?:do|does|are|is) .*(?:open|close)', 'what time .*(?:open|close)', 'open today', 'open on'),
];

const CART = [stems('корзин'), words('cart', 'carts', 'basket', 'shopping bag')];

const GREETING = [
  stems('привет', 'здравствуй', 'добрый (?:день|вечер|утро)', 'доброе утро', 'спасибо', 'благодарю'),
  words('hi', 'hello', 'hey', 'good (?:morning|afternoon|evening)', 'thanks', 'thank you'),
];

/**
 * Stock questions, with the product and (optionally) the place in capture groups 1 and 2:
 * "есть ли X в Берлине", "у вас есть X в наличии", "is X in stock in Berlin",
 * "do you have X at the Berlin store".
 */
const STOCK_PATTERNS: RegExp[] = [
  /(?:^|\s)(?:а )?(?:есть ли|имеется ли)(?: у вас)?(?: в наличии)? (.+?)(?: в наличии)?(?: (?:в|во) (?:магазине (?:в |во )?)?(.+?))?$/u,
  /(?:^|\s)у вас (?:есть|имеется)(?: в наличии)? (.+?)(?: в наличии)?(?: (?:в|во) (?:магазине (?:в |во )?)?(.+?))?$/u,
  /(?:^|\s)(?:наличие|в наличии ли) (.+?)(?: (?:в|во) (?:магазине (?:в |во )?)?(.+?))?$/u,
  /(?:^|\s)(?:is|are) (?:the |a |an |your )?(.+?) (?:in stock|available)(?: (?:in|at) (?:the |your )?(.+?))?$/u,
  /(?:^|\s)(?:do|does) (?:you|your store|the store) (?:have|stock|carry) (?:the |a |an |any )?(.+?)(?: in stock| available)?(?: (?:in|at) (?:the |your )?(.+?))?$/u,
  /(?:^|\s)(?:stock|availability) (?:of|for) (?:the )?(.+?)(?: (?:in|at) (?:the |your )?(.+?))?$/u,
];

function stockQuestion(normalised: string): Intent | null {
  for (const pattern of STOCK_PATTERNS) {
    const match = pattern.exec(normalised);
    const product = match?.[1]?.trim();
    // "есть ли у вас что-нибудь" names no product; one letter is not a product either.
    if (match && product && product.length >= 2) return { kind: 'STOCK', product, place: match[2]?.trim() || null };
  }
  return null;
}

const matchesAny = (rules: RegExp[], text: string) => rules.some((rule) => rule.test(text));

/**
 * The first rule that matches wins, in this order: a person, returns (before order status:
 * "вернуть заказ" is a return), stock, opening hours, order status, cart, greetings.
 */
export function recogniseIntent(text: string): Recognised {
  const language = detectLanguage(text);
  const normalised = normaliseText(text);
  if (!normalised) return { language, intent: { kind: 'UNKNOWN' } };
  // The padding lets stems with a trailing space ("обмен ") match at the end of the message.
  const padded = `${normalised} `;
  if (matchesAny(HUMAN, padded)) return { language, intent: { kind: 'HUMAN' } };
  if (matchesAny(RETURNS, padded)) return { language, intent: { kind: 'RETURNS' } };
  const stock = stockQuestion(normalised);
  if (stock) return { language, intent: stock };
  if (matchesAny(OPENING_HOURS, padded)) return { language, intent: { kind: 'OPENING_HOURS', place: normalised } };
  if (matchesAny(ORDER_STATUS, padded)) return { language, intent: { kind: 'ORDER_STATUS' } };
  if (matchesAny(CART, padded)) return { language, intent: { kind: 'CART' } };
  // Only a short message is a greeting: "hi, my parcel is broken and…" is not small talk.
  if (normalised.split(' ').length <= 4 && matchesAny(GREETING, padded)) return { language, intent: { kind: 'GREETING' } };
  return { language, intent: { kind: 'UNKNOWN' } };
}
