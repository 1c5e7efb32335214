import type { Random } from './random';

// Reference tables of the demo data set: countries with their cities, phone formats and
// currencies; first and last names; the product catalogue; support and social vocabularies.

export interface Country {
  code: string;
  weight: number;
  currency: string;
  cities: readonly string[];
  /** Draws a mobile number in E.164. */
  phone: (random: Random) => string;
}

export const digits = (random: Random, count: number): string =>
  Array.from({ length: count }, () => random.int(0, 9)).join('');

// North American numbers: area code and exchange may not start with 0 or 1.
export const nanp = (random: Random, areaCodes: readonly string[]): string =>
  `+1${random.pick(areaCodes)}${random.int(2, 9)}${digits(random, 6)}`;

export const COUNTRIES: readonly Country[] = [
  {
    code: 'GB',
    weight: 30,
    currency: 'GBP',
    cities: ['London', 'Manchester', 'Birmingham', 'Leeds', 'Glasgow', 'Bristol'],
    phone: (r) => `+447${r.pick(['4', '5', '7', '8', '9'])}${digits(r, 8)}`,
  },
  {
    code: 'US',
    weight: 22,
    currency: 'USD',
    cities: ['New York', 'Los Angeles', 'Chicago', 'Austin', 'Seattle', 'Boston'],
    phone: (r) => nanp(r, ['212', '310', '312', '512', '206', '617']),
  },
  {
    code: 'DE',
    weight: 14,
    currency: 'EUR',
    cities: ['Berlin', 'Hamburg', 'Munich', 'Cologne', 'Frankfurt'],
    phone: (r) => `+491${r.pick(['51', '52', '60', '70', '76'])}${digits(r, 8)}`,
  },
  {
    code: 'FR',
    weight: 10,
    currency: 'EUR',
    cities: ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Lille'],
    phone: (r) => `+33${r.pick(['6', '7'])}${digits(r, 8)}`,
  },
  {
    code: 'NL',
    weight: 8,
    currency: 'EUR',
    cities: ['Amsterdam', 'Rotterdam', 'Utrecht', 'The Hague'],
    phone: (r) => `+316${digits(r, 8)}`,
  },
  {
    code: 'ES',
    weight: 7,
    currency: 'EUR',
    cities: ['Madrid', 'Barcelona', 'Valencia', 'Seville'],
    phone: (r) => `+34${r.pick(['6', '7'])}${digits(r, 8)}`,
  },
  {
    code: 'IE',
    weight: 5,
    currency: 'EUR',
    cities: ['Dublin', 'Cork', 'Galway', 'Limerick'],
    phone: (r) => `+3538${r.pick(['3', '5', '6', '7', '9'])}${digits(r, 7)}`,
  },
  {
    code: 'CA',
    weight: 4,
    currency: 'CAD',
    cities: ['Toronto', 'Vancouver', 'Montreal', 'Calgary'],
    phone: (r) => nanp(r, ['416', '604', '514', '403']),
  },
];
export const COUNTRY_WEIGHTS = COUNTRIES.map((country) => country.weight);

/** Local prices are GBP prices converted at these rates and rounded up to a .99 price point. */
export const GBP_RATE: Readonly<Record<string, number>> = {
  GBP: 1,
  EUR: 1.16,
  USD: 1.27,
  CAD: 1.74,
};

// prettier-ignore
export const FEMALE_NAMES = [
  'Olivia', 'Emma', 'Amelia', 'Sophia', 'Mia', 'Hannah', 'Léa', 'Chloé', 'Lucía', 'Sofia',
  'Aoife', 'Grace', 'Anna', 'Julia', 'Zoë', 'Priya', 'Fatima', 'Emily', 'Clara', 'Isabel',
];
// prettier-ignore
export const MALE_NAMES = [
  'Oliver', 'Noah', 'Liam', 'Lucas', 'Leon', 'Hugo', 'Mateo', 'Jack', 'James', 'Ben',
  'Finn', 'Sean', 'Daniel', 'Thomas', 'Louis', 'Omar', 'Arjun', 'Max', 'Jonas', 'Pablo',
];
// prettier-ignore
export const LAST_NAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Johnson', 'Garcia', 'Miller', 'Müller',
  'Schmidt', 'Schneider', 'Martin', 'Bernard', 'Dubois', 'de Vries', 'Jansen', 'García',
  'Fernández', 'Murphy', "O'Brien", 'Kelly', 'Patel', 'Khan', 'Nguyen', 'Rossi', 'Silva',
  'Anderson', 'Walsh', 'Bakker', 'Lefebvre',
];

/** One product of the demo catalogue; `price` is in pence (GBP). */
export interface DemoProduct {
  id: string;
  name: string;
  category: string;
  price: number;
}

export const product = (
  id: string,
  name: string,
  category: string,
  pounds: number,
): DemoProduct => ({
  id,
  name,
  category,
  price: Math.round(pounds * 100),
});

/** 40 products in 8 categories; order lines and product events pick from it. */
export const DEMO_CATALOGUE: readonly DemoProduct[] = [
  product('sku-app-001', 'Organic Cotton T-Shirt', 'Apparel', 19.99),
  product('sku-app-002', 'Merino Crew Jumper', 'Apparel', 69.99),
  product('sku-app-003', 'Slim Chinos', 'Apparel', 49.99),
  product('sku-app-004', 'Rain Jacket', 'Apparel', 119.99),
  product('sku-app-005', 'Linen Shirt', 'Apparel', 39.99),
  product('sku-fw-001', 'Everyday Trainers', 'Footwear', 79.99),
  product('sku-fw-002', 'Leather Chelsea Boots', 'Footwear', 149.99),
  product('sku-fw-003', 'Canvas Plimsolls', 'Footwear', 34.99),
  product('sku-fw-004', 'Trail Running Shoes', 'Footwear', 109.99),
  product('sku-fw-005', 'Wool Slippers', 'Footwear', 29.99),
  product('sku-el-001', 'Wireless Earbuds', 'Electronics', 89.99),
  product('sku-el-002', 'Bluetooth Speaker', 'Electronics', 59.99),
  product('sku-el-003', 'Smart Watch', 'Electronics', 199.99),
  product('sku-el-004', 'USB-C Charger 65W', 'Electronics', 29.99),
  product('sku-el-005', 'Noise-Cancelling Headphones', 'Electronics', 249.99),
  product('sku-hm-001', 'Ceramic Mug Set', 'Home', 24.99),
  product('sku-hm-002', 'Linen Bedding Set', 'Home', 89.99),
  product('sku-hm-003', 'Scented Candle', 'Home', 14.99),
  product('sku-hm-004', 'Cast Iron Casserole', 'Home', 99.99),
  product('sku-hm-005', 'Bath Towel Pair', 'Home', 29.99),
  product('sku-bt-001', 'Vitamin C Serum', 'Beauty', 24.99),
  product('sku-bt-002', 'Hydrating Face Cream', 'Beauty', 19.99),
  product('sku-bt-003', 'Eau de Parfum 50ml', 'Beauty', 64.99),
  product('sku-bt-004', 'Shampoo Bar', 'Beauty', 8.99),
  product('sku-bt-005', 'Lip Balm Trio', 'Beauty', 9.99),
  product('sku-sp-001', 'Yoga Mat', 'Sports', 34.99),
  product('sku-sp-002', 'Adjustable Dumbbells', 'Sports', 149.99),
  product('sku-sp-003', 'Insulated Water Bottle', 'Sports', 22.99),
  product('sku-sp-004', 'Cycling Helmet', 'Sports', 59.99),
  product('sku-sp-005', 'Resistance Bands', 'Sports', 14.99),
  product('sku-bk-001', 'Cookbook: Weeknight Dinners', 'Books', 22.99),
  product('sku-bk-002', 'Thriller Paperback', 'Books', 9.99),
  product('sku-bk-003', 'Illustrated Atlas', 'Books', 34.99),
  product('sku-bk-004', 'Notebook Set', 'Books', 12.99),
  product('sku-bk-005', 'Language Course Box', 'Books', 44.99),
  product('sku-gr-001', 'Specialty Coffee Beans', 'Grocery', 11.99),
  product('sku-gr-002', 'Loose Leaf Tea Tin', 'Grocery', 8.99),
  product('sku-gr-003', 'Olive Oil 1L', 'Grocery', 14.99),
  product('sku-gr-004', 'Dark Chocolate Box', 'Grocery', 16.99),
  product('sku-gr-005', 'Gourmet Hamper', 'Grocery', 79.99),
];
export const CATEGORIES = [...new Set(DEMO_CATALOGUE.map((item) => item.category))];

export const SUPPORT_TOPICS = ['delivery', 'returns', 'billing', 'product', 'account'] as const;
export const SOCIAL_NETWORKS = ['instagram', 'facebook', 'tiktok', 'x', 'linkedin'] as const;
