import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  K,
  PII_KINDS,
  cardIssuer,
  cfCheckChar,
  classify,
  isCard,
  isEmail,
  isIPv4,
  isIPv6,
  isIban,
  isPhone,
  luhn,
  nameHint,
  scanText,
  verhoeff,
  type NameHint,
} from '../../src/privacy/detectors.js';

const kindOf = (s: string, hint: NameHint | null = null) => {
  const k = classify(s, hint);
  return k < 0 ? null : PII_KINDS[k];
};

describe('checksums', () => {
  it('luhn and verhoeff on known values', () => {
    expect(luhn('4242424242424242')).toBe(true);
    expect(luhn('4242424242424241')).toBe(false);
    expect(verhoeff('2363')).toBe(true);
    expect(verhoeff('2364')).toBe(false);
    expect(verhoeff('234567890124')).toBe(true);
  });
  it('codice fiscale check character', () => {
    expect(cfCheckChar('RSSMRA85T10A562')).toBe('S');
  });
});

describe('whole-value detectors: true positives', () => {
  const cases: [string, string, NameHint | null][] = [
    ['john.doe@example.com', 'email', null],
    ['j+tag@mail.example.co.uk', 'email', null],
    ['+44 20 7946 0958', 'phone', null],
    ['+14155550123', 'phone', null],
    ['+33 6 12 34 56 78', 'phone', null],
    ['(212) 555-0123', 'phone', null],
    ['212-555-0123', 'phone', null],
    ['212.555.0123', 'phone', null],
    ['1-800-555-0199', 'phone', null],
    ['020 7946 0958', 'phone', null],
    ['06 12 34 56 78', 'phone', null],
    ['0044 20 7946 0958', 'phone', null],
    ['0612345678', 'phone', 'phone'],
    ['2125550123', 'phone', 'phone'],
    ['4242424242424242', 'card', null],
    ['4242 4242 4242 4242', 'card', null],
    ['4111-1111-1111-1111', 'card', null],
    ['5555555555554444', 'card', null],
    ['2223003122003222', 'card', null],
    ['378282246310005', 'card', null],
    ['3782 822463 10005', 'card', null],
    ['6011111111111117', 'card', null],
    ['3530111333300000', 'card', null],
    ['30569309025904', 'card', null],
    ['6200000000000005', 'card', null],
    ['6759649826438453', 'card', null],
    ['5018000000000009', 'card', null],
    ['GB82 WEST 1234 5698 7654 32', 'iban', null],
    ['GB82WEST12345698765432', 'iban', null],
    ['DE89 3704 0044 0532 0130 00', 'iban', null],
    ['FR14 2004 1010 0505 0001 3M02 606', 'iban', null],
    ['NL91ABNA0417164300', 'iban', null],
    ['nl91abna0417164300', 'iban', null],
    ['NO9386011117947', 'iban', null],
    ['192.168.1.10', 'ip', null],
    ['1.2.3.4', 'ip', null],
    ['0.0.0.0', 'ip', null],
    ['2001:db8::1', 'ip', null],
    ['fe80::1ff:fe23:4567:890a%eth0', 'ip', null],
    ['::ffff:192.0.2.128', 'ip', null],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', 'ip', null],
    ['123-45-6789', 'us-ssn', 'us-ssn'],
    ['123456789', 'us-ssn', 'us-ssn'],
    ['AB123456C', 'uk-nino', null],
    ['AB 12 34 56 C', 'uk-nino', null],
    ['AB123456', 'uk-nino', 'uk-nino'],
    ['111222333', 'nl-bsn', 'nl-bsn'],
    ['123456782', 'nl-bsn', 'nl-bsn'],
    ['12345678Z', 'es-dni', null],
    ['12345678-Z', 'es-dni', null],
    ['X1234567L', 'es-dni', null],
    ['255081416802538', 'fr-nir', null],
    ['1 85 05 78 006 084 91', 'fr-nir', null],
    ['RSSMRA85T10A562S', 'it-cf', null],
    ['rssmra85t10a562s', 'it-cf', null],
    ['2345 6789 0124', 'in-aadhaar', null],
    ['234567890124', 'in-aadhaar', 'in-aadhaar'],
  ];
  it.each(cases)('%s is %s', (v, kind, hint) => {
    expect(kindOf(v, hint)).toBe(kind);
  });
});

describe('look-alikes that are not flagged', () => {
  const cases: [string, NameHint | null][] = [
    ['4242424242424241', null], // Luhn-invalid 16 digits
    ['4242 4242 4242 4241', null],
    ['1234567812345678', null],
    ['9999999999999995', null], // Luhn-valid, no issuer
    ['100234567', null], // order number
    ['100234567', 'phone'], // 9 digits, no trunk prefix: not a phone even under a hint
    ['2125550123', null], // 10 plain digits without a hint
    ['0612345678', null],
    ['1234.56', null],
    ['1234567.89', null],
    ['-1234567', null],
    ['1,234,567', null],
    ['1 234 567', null],
    ['2024-03-01', null],
    ['2024-03-01T10:15:00Z', null],
    ['20240301101500', null],
    ['1709287200000', null], // epoch ms
    ['10:15:00', null],
    ['123e4567-e89b-12d3-a456-426614174000', null], // UUID
    ['1.2.3', null],
    ['999.1.1.1', null],
    ['256.1.1.1', null],
    ['01.02.03.04', null],
    ['1.2.3.4.5', null],
    ['1:2:3:4:5:6:7', null],
    ['2001:db8::1::2', null],
    ['00:1A:2B:3C:4D:5E', null], // MAC
    ['john.doe@', null],
    ['@example.com', null],
    ['john..doe@example.com', null],
    ['john@example', null],
    ['john@example.c', null],
    ['john@-example.com', null],
    ['GB82 WEST 1234 5698 7654 33', null], // bad IBAN checksum
    ['GB82WEST123456987654', null], // bad length
    ['XX82WEST12345698765432', null], // unknown country
    ['123-45-6789', null], // SSN needs a hint
    ['666-12-3456', 'us-ssn'],
    ['000-12-3456', 'us-ssn'],
    ['912-12-3456', 'us-ssn'],
    ['123-00-4567', 'us-ssn'],
    ['123-45-0000', 'us-ssn'],
    ['111222333', null], // BSN needs a hint
    ['111222334', 'nl-bsn'],
    ['QQ123456C', null],
    ['BG123456A', null],
    ['AO123456A', null],
    ['AB123456E', null],
    ['AB123456', null], // no suffix without a hint
    ['12345678A', null], // wrong DNI letter
    ['255081416802539', null], // wrong NIR key
    ['RSSMRA85T10A562T', null], // wrong CF check
    ['2345 6789 0125', null], // Verhoeff fails
    ['234567890124', null], // 12 plain digits without a hint
    ['v1.2.3-beta', null],
    ['Hello world, nothing here', null],
  ];
  it.each(cases)('%s (hint %s) is not flagged', (v, hint) => {
    expect(kindOf(v, hint)).toBe(null);
  });
});

describe('specific rules', () => {
  it('card issuers by prefix and length', () => {
    expect(cardIssuer('4242424242424242')).toBe('visa');
    expect(cardIssuer('2720990000000000')).toBe('mastercard');
    expect(cardIssuer('2721000000000000')).toBe(null);
    expect(cardIssuer('378282246310005')).toBe('amex');
    expect(cardIssuer('3782822463100050')).toBe(null); // amex is 15 digits
    expect(cardIssuer('6221260000000000')).toBe('discover');
    expect(cardIssuer('3530111333300000')).toBe('jcb');
    expect(cardIssuer('30569309025904')).toBe('diners');
    expect(cardIssuer('6200000000000005')).toBe('unionpay');
  });
  it('cards need consistent grouping', () => {
    expect(isCard('4242  4242 4242 4242')).toBe(false);
    expect(isCard('4242-4242-4242-4242-')).toBe(false);
    expect(isCard('4 242424242424242')).toBe(false);
  });
  it('IPv4 and IPv6 validation', () => {
    expect(isIPv4('255.255.255.255')).toBe(true);
    expect(isIPv4('255.255.255.256')).toBe(false);
    expect(isIPv6('::')).toBe(true);
    expect(isIPv6('::1')).toBe(true);
    expect(isIPv6('1::')).toBe(true);
    expect(isIPv6('12345::1')).toBe(false);
    expect(isIPv6('g::1')).toBe(false);
    expect(isIPv6('1:2:3:4:5:6:7:8:9')).toBe(false);
    expect(isIPv6('1:2:3:4:5:6:1.2.3.4')).toBe(true);
  });
  it('phones: NANP exchange and area rules', () => {
    expect(isPhone('(212) 155-0123', false)).toBe(false);
    expect(isPhone('(112) 555-0123', false)).toBe(false);
    expect(isPhone('212-5550-123', false)).toBe(false);
    expect(isPhone('+0 123 456 789', false)).toBe(false);
    expect(isPhone('+1 2', false)).toBe(false);
  });
  it('emails', () => {
    expect(isEmail("o'brien@example.ie")).toBe(true);
    expect(isEmail('a@b.co')).toBe(true);
    expect(isEmail('a@b@c.com')).toBe(false);
  });
  it('IBAN spaces', () => {
    expect(isIban('GB82  WEST 1234 5698 7654 32')).toBe(false);
  });
});

describe('free text', () => {
  const kinds = (s: string) => scanText(s).map((m) => [PII_KINDS[m.kind], s.slice(m.start, m.end)]);
  it('finds embedded values', () => {
    expect(kinds('Please contact john.doe@example.com for details')).toEqual([['email', 'john.doe@example.com']]);
    expect(kinds('paid with 4242 4242 4242 4242.')).toEqual([['card', '4242 4242 4242 4242']]);
    expect(kinds('call me on +44 20 7946 0958 tomorrow')).toEqual([['phone', '+44 20 7946 0958']]);
    expect(kinds('or (212) 555-0123 after 5')).toEqual([['phone', '(212) 555-0123']]);
    expect(kinds('refund to GB82 WEST 1234 5698 7654 32 please')).toEqual([['iban', 'GB82 WEST 1234 5698 7654 32']]);
    expect(kinds('mail <a.b@example.org>, card 4111111111111111')).toEqual([
      ['email', 'a.b@example.org'],
      ['card', '4111111111111111'],
    ]);
  });
  it('ignores look-alikes in text', () => {
    expect(kinds('order 100234567 shipped on 2024-03-01 10:15:00 for 1234.56 EUR')).toEqual([]);
    expect(kinds('card 4242 4242 4242 4241 declined')).toEqual([]);
    expect(kinds('id 123e4567-e89b-12d3-a456-426614174000 v1.2.3')).toEqual([]);
    expect(kinds('SKU4242424242424242 not a card')).toEqual([]);
    expect(kinds('user@ host')).toEqual([]);
  });
  it('is linear on adversarial input', () => {
    const bad = [
      'a'.repeat(200_000) + '@',
      '@'.repeat(200_000),
      '1 '.repeat(100_000),
      '1-'.repeat(100_000) + 'x',
      'GB00'.repeat(50_000),
      ('a.'.repeat(30) + '@') .repeat(3000),
    ];
    for (const s of bad) {
      const t0 = performance.now();
      scanText(s);
      expect(performance.now() - t0).toBeLessThan(2000); // quadratic would take minutes
    }
  });
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: fc.constantFrom(...'0123456789 -.()+@abcXYZ:'.split('')) }), (s) => {
        for (const m of scanText(s)) expect(m.end).toBeGreaterThan(m.start);
        classify(s, null);
        classify(s, 'phone');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('column-name hints', () => {
  it.each([
    ['email', 'email'],
    ['EmailAddress', 'email'],
    ['e_mail', 'email'],
    ['phone_number', 'phone'],
    ['mobile', 'phone'],
    ['ssn', 'us-ssn'],
    ['dob', 'dob'],
    ['date_of_birth', 'dob'],
    ['birthDate', 'dob'],
    ['birthday', 'dob'],
    ['first_name', 'name'],
    ['surname', 'name'],
    ['name', 'name'],
    ['customer_name', 'name'],
    ['address', 'address'],
    ['shipping_address', 'address'],
    ['zip', 'postcode'],
    ['postcode', 'postcode'],
    ['passport_no', 'passport'],
    ['ip_address', 'ip'],
    ['client_ip', 'ip'],
    ['iban', 'iban'],
    ['bsn', 'nl-bsn'],
    ['codice_fiscale', 'it-cf'],
  ])('%s -> %s', (col, hint) => expect(nameHint(col)).toBe(hint));
  it.each(['product_name', 'file_name', 'amount', 'order_id', 'description', 'zipper_count', 'shipping'])('%s -> none', (col) =>
    expect(nameHint(col)).toBe(null),
  );
});

it('K indexes PII_KINDS', () => {
  PII_KINDS.forEach((k, i) => expect(K[k]).toBe(i));
});
