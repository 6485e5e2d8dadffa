import { describe, expect, it } from 'vitest';
import { detectLanguage, recogniseIntent } from './intents';

const kindOf = (text: string) => recogniseIntent(text).intent.kind;

describe('recogniseIntent', () => {
  it.each([
    ['Где мой заказ?', 'ORDER_STATUS'],
    ['где моя посылка', 'ORDER_STATUS'],
    ['Какой статус заказа?', 'ORDER_STATUS'],
    ['Когда привезут?', 'ORDER_STATUS'],
    ['Where is my order?', 'ORDER_STATUS'],
    ['where is my parcel', 'ORDER_STATUS'],
    ['Can you track my order please', 'ORDER_STATUS'],
    ['Часы работы магазина в Берлине?', 'OPENING_HOURS'],
    ['До скольки вы работаете?', 'OPENING_HOURS'],
    ['What are your opening hours?', 'OPENING_HOURS'],
    ['When does the Berlin store open?', 'OPENING_HOURS'],
    ['Что у меня в корзине?', 'CART'],
    ["What's in my cart?", 'CART'],
    ['Как вернуть товар?', 'RETURNS'],
    ['Хочу вернуть заказ', 'RETURNS'],
    ['How do I return a jacket?', 'RETURNS'],
    ['Can I get a refund', 'RETURNS'],
    ['Позовите оператора', 'HUMAN'],
    ['оператор', 'HUMAN'],
    ['Хочу поговорить с живым человеком', 'HUMAN'],
    ['human', 'HUMAN'],
    ['Can I talk to an agent?', 'HUMAN'],
    ['Привет', 'GREETING'],
    ['Hello!', 'GREETING'],
    ['Спасибо!', 'GREETING'],
    ['Расскажи анекдот про котов', 'UNKNOWN'],
    ['Tell me about the history of jazz', 'UNKNOWN'],
    ['', 'UNKNOWN'],
    ['?!', 'UNKNOWN'],
  ])('%s → %s', (text, kind) => {
    expect(kindOf(text)).toBe(kind);
  });

  it('asks for a person before anything else in the message', () => {
    expect(kindOf('Где мой заказ? Позовите оператора')).toBe('HUMAN');
    expect(kindOf('where is my order, I want a human')).toBe('HUMAN');
  });

  it('does not take words that merely contain a keyword', () => {
    expect(kindOf('history')).toBe('UNKNOWN');
    expect(kindOf('cartoon')).toBe('UNKNOWN');
    expect(kindOf('Хочу заказать куртку')).toBe('UNKNOWN');
  });

  it.each([
    ['Есть ли Alpine Parka в Берлине?', 'alpine parka', 'берлине'],
    ['есть ли в наличии пуховик во Франкфурте', 'пуховик', 'франкфурте'],
    ['Есть ли Alpine Parka в наличии в магазине в Кёльне?', 'alpine parka', 'кельне'],
    ['У вас есть джинсы в Гамбурге?', 'джинсы', 'гамбурге'],
    ['Is Alpine Parka in stock in Berlin?', 'alpine parka', 'berlin'],
    ['is the urban polo available at the hamburg store', 'urban polo', 'hamburg store'],
    ['Do you have Nordic Boots in Munich?', 'nordic boots', 'munich'],
    ['Is Classic Mug in stock?', 'classic mug', null],
    ['есть ли кружка', 'кружка', null],
  ])('%s is a stock question about %s in %s', (text, product, place) => {
    expect(recogniseIntent(text).intent).toEqual({ kind: 'STOCK', product, place });
  });

  it('reads the language from the letters', () => {
    expect(recogniseIntent('Есть ли Alpine Parka в Берлине?').language).toBe('ru');
    expect(recogniseIntent('Is Alpine Parka in stock in Berlin?').language).toBe('en');
    expect(detectLanguage('12345')).toBe('en');
  });
});
