/**
 * Breakouts of the demo rate deck: real country codes and mobile ranges, with sell rates and
 * traffic shares that look like a wholesale carrier's (cheap fixed lines in North America and
 * Western Europe, expensive mobile termination in Africa and the Middle East).
 */

type DestinationKind = "fixed" | "mobile" | "special";

export type DestinationSpec = {
  prefix: string;
  name: string;
  /** The country's name, as the breakout report groups it. */
  country: string;
  iso: string;
  kind: DestinationKind;
  /** Sell rate in USD per minute before a customer's markup. */
  rate: number;
  /** Digits of a full E.164 number in this country. */
  length: number;
};

export type CountrySpec = {
  country: string;
  iso: string;
  /** Prefixes named "<country> - Fixed"; the first is the country code. */
  fixed: string[];
  mobile: string[];
  /** Named regions and services ("United Kingdom - Personal"). */
  extra?: Array<[suffix: string, prefixes: string[], rate: number]>;
  fixedRate: number;
  mobileRate: number;
  length: number;
  /** Relative share of the demo's traffic. */
  weight: number;
  /** North American numbering: one breakout name, no fixed/mobile split. */
  nanp?: boolean;
  /** Fewer calls complete (congested or fraud-filtered routes). */
  asrFactor?: number;
};

const range = (base: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${base}${from + i}`);

export const COUNTRIES: CountrySpec[] = [
  // North America and the Caribbean (NANP: area codes, no fixed/mobile split)
  {
    country: "USA",
    iso: "US",
    fixed: ["1"],
    mobile: [],
    extra: [
      ["Alaska", ["1907"], 0.021],
      ["Hawaii", ["1808"], 0.012],
    ],
    fixedRate: 0.0062,
    mobileRate: 0.0062,
    length: 11,
    weight: 22,
    nanp: true,
  },
  {
    country: "Canada",
    iso: "CA",
    fixed: (
      "1204 1226 1236 1250 1289 1306 1343 1403 1416 1418 1431 1437 1438 1450 1506 1514 1519 " +
      "1579 1581 1587 1604 1613 1639 1647 1705 1709 1778 1780 1782 1807 1819 1825 1867 1873 " +
      "1902 1905"
    ).split(" "),
    mobile: [],
    fixedRate: 0.0075,
    mobileRate: 0.0075,
    length: 11,
    weight: 5,
    nanp: true,
  },
  nanp("Puerto Rico", "PR", ["1787", "1939"], 0.011, 0.6),
  nanp("Dominican Republic", "DO", ["1809", "1829", "1849"], 0.058, 1.5),
  nanp("Jamaica", "JM", ["1876"], 0.142, 1.2, 0.8),
  nanp("Trinidad and Tobago", "TT", ["1868"], 0.084, 0.4),
  nanp("Bahamas", "BS", ["1242"], 0.061, 0.2),
  nanp("Barbados", "BB", ["1246"], 0.119, 0.2),
  // Europe
  {
    country: "United Kingdom",
    iso: "GB",
    fixed: ["44", "441", "442", "443"],
    mobile: ["447"],
    extra: [
      ["London", ["4420"], 0.0065],
      ["Personal", ["4470"], 0.21],
      ["Pager", ["4476"], 0.18],
    ],
    fixedRate: 0.0078,
    mobileRate: 0.0121,
    length: 12,
    weight: 9,
  },
  {
    country: "Germany",
    iso: "DE",
    fixed: ["49"],
    mobile: ["4915", "4916", "4917"],
    extra: [["Berlin", ["4930"], 0.0082]],
    fixedRate: 0.0091,
    mobileRate: 0.0265,
    length: 13,
    weight: 4,
  },
  {
    country: "France",
    iso: "FR",
    fixed: ["33"],
    mobile: ["336", "337"],
    extra: [["Paris", ["331"], 0.0088]],
    fixedRate: 0.0094,
    mobileRate: 0.0238,
    length: 11,
    weight: 3,
  },
  country("Spain", "ES", ["34"], ["346", "347"], 0.0089, 0.0194, 11, 2),
  country("Italy", "IT", ["39"], ["393"], 0.0092, 0.0221, 12, 2),
  country("Netherlands", "NL", ["31"], ["316"], 0.0117, 0.0487, 11, 1.2),
  country("Belgium", "BE", ["32"], ["324"], 0.0125, 0.0372, 11, 0.8),
  country("Switzerland", "CH", ["41"], range("417", 5, 9), 0.0141, 0.0489, 11, 0.8),
  country(
    "Austria",
    "AT",
    ["43"],
    ["43650", "43660", "43664", "43676", "43680", "43681", "43688", "43699"],
    0.0131,
    0.0398,
    12,
    0.6,
  ),
  country(
    "Poland",
    "PL",
    ["48"],
    [
      "4850",
      "4851",
      "4853",
      "4857",
      "4860",
      "4866",
      "4869",
      "4872",
      "4873",
      "4878",
      "4879",
      "4888",
    ],
    0.0098,
    0.0143,
    11,
    1.4,
  ),
  country("Portugal", "PT", ["351"], ["3519"], 0.0109, 0.0291, 12, 0.6),
  country(
    "Ireland",
    "IE",
    ["353"],
    ["35383", "35385", "35386", "35387", "35389"],
    0.0112,
    0.0312,
    12,
    0.7,
  ),
  country("Sweden", "SE", ["46"], ["467"], 0.0101, 0.0265, 11, 0.6),
  country("Norway", "NO", ["47"], ["474", "479"], 0.0119, 0.0284, 10, 0.5),
  country(
    "Denmark",
    "DK",
    ["45"],
    ["452", "453", "4542", "4550", "4553", "4560", "4561", "4571", "4581"],
    0.0108,
    0.0214,
    10,
    0.4,
  ),
  country("Finland", "FI", ["358"], ["3584", "35850"], 0.0187, 0.0642, 12, 0.3),
  country("Greece", "GR", ["30"], ["3069"], 0.0121, 0.0347, 12, 0.5),
  country("Romania", "RO", ["40"], ["407"], 0.0114, 0.0362, 11, 1.2),
  country("Bulgaria", "BG", ["359"], ["35987", "35988", "35989"], 0.0219, 0.0958, 12, 0.3),
  country("Czech Republic", "CZ", ["420"], ["4206", "4207"], 0.0117, 0.0298, 12, 0.4),
  country("Hungary", "HU", ["36"], ["3620", "3630", "3650", "3670"], 0.0132, 0.0347, 11, 0.4),
  country("Serbia", "RS", ["381"], ["3816"], 0.0612, 0.1584, 12, 0.4),
  country("Croatia", "HR", ["385"], ["3859"], 0.0248, 0.0992, 12, 0.2),
  country("Turkey", "TR", ["90"], ["905"], 0.0194, 0.0419, 12, 1.5),
  country(
    "Ukraine",
    "UA",
    ["380"],
    range("3806", 3, 8).concat(["38050", "38073", "38093", "38095", "38096", "38097", "38099"]),
    0.0987,
    0.1321,
    12,
    0.9,
  ),
  country("Russia", "RU", ["7"], ["79"], 0.0524, 0.0912, 11, 0.7),
  // Middle East
  country("Israel", "IL", ["972"], ["9725"], 0.0102, 0.0241, 12, 0.5),
  country("Saudi Arabia", "SA", ["966"], ["9665"], 0.0612, 0.0874, 12, 1.2),
  country(
    "United Arab Emirates",
    "AE",
    ["971"],
    ["97150", "97152", "97154", "97155", "97156", "97158"],
    0.1288,
    0.1547,
    12,
    1.1,
  ),
  country("Qatar", "QA", ["974"], ["9743", "9745", "9746", "9747"], 0.1621, 0.2214, 11, 0.3),
  country("Kuwait", "KW", ["965"], ["9655", "9656", "9659"], 0.0912, 0.1103, 11, 0.3),
  country("Jordan", "JO", ["962"], ["96277", "96278", "96279"], 0.1241, 0.1632, 12, 0.3),
  country(
    "Lebanon",
    "LB",
    ["961"],
    ["9613", "96170", "96171", "96176", "96178", "96179", "96181"],
    0.1154,
    0.1978,
    11,
    0.3,
  ),
  country("Iraq", "IQ", ["964"], ["96475", "96477", "96478", "96479"], 0.0987, 0.1196, 13, 0.4),
  // Africa
  country(
    "Nigeria",
    "NG",
    ["234"],
    ["23470", "23480", "23481", "23490", "23491"],
    0.0743,
    0.1124,
    13,
    3.5,
    0.78,
  ),
  country(
    "Ghana",
    "GH",
    ["233"],
    ["23320", "23324", "23326", "23327", "23350", "23354", "23355", "23357", "23359"],
    0.1624,
    0.2287,
    12,
    1.4,
    0.85,
  ),
  country("Kenya", "KE", ["254"], ["2547", "2541"], 0.0612, 0.0944, 12, 1, 0.9),
  country(
    "South Africa",
    "ZA",
    ["27"],
    range("276", 0, 8).concat(range("277", 1, 9), ["2781", "2782", "2783", "2784"]),
    0.0201,
    0.0412,
    11,
    1.2,
  ),
  country("Egypt", "EG", ["20"], ["2010", "2011", "2012", "2015"], 0.0541, 0.0697, 12, 1.3, 0.85),
  country("Morocco", "MA", ["212"], ["2126", "2127"], 0.1187, 0.3121, 12, 1.1, 0.82),
  country("Senegal", "SN", ["221"], ["22170", "22176", "22177", "22178"], 0.1874, 0.2541, 12, 0.4),
  country("Cameroon", "CM", ["237"], ["2376"], 0.1521, 0.1847, 12, 0.5, 0.8),
  country("Ivory Coast", "CI", ["225"], ["22501", "22505", "22507"], 0.1987, 0.2344, 13, 0.4),
  country("Ethiopia", "ET", ["251"], ["2519"], 0.1854, 0.2012, 12, 0.4, 0.7),
  country("Tanzania", "TZ", ["255"], ["2556", "2557"], 0.1672, 0.2101, 12, 0.5),
  country("Uganda", "UG", ["256"], ["2567"], 0.1788, 0.2213, 12, 0.5),
  country(
    "Congo, Democratic Republic",
    "CD",
    ["243"],
    ["24381", "24382", "24384", "24385", "24389", "24397", "24399"],
    0.3012,
    0.3487,
    12,
    0.4,
    0.65,
  ),
  // Asia and the Pacific
  country("India", "IN", ["91"], ["916", "917", "918", "919"], 0.0128, 0.0119, 12, 7, 0.9),
  country("Pakistan", "PK", ["92"], ["923"], 0.0498, 0.0612, 12, 3),
  country("Bangladesh", "BD", ["880"], ["8801"], 0.0221, 0.0247, 13, 2.2, 0.82),
  country("Sri Lanka", "LK", ["94"], ["947"], 0.0912, 0.1042, 11, 0.5),
  country("Nepal", "NP", ["977"], ["97798"], 0.1012, 0.1187, 13, 0.5),
  country("Philippines", "PH", ["63"], ["639"], 0.0684, 0.0974, 12, 5, 0.88),
  country("Indonesia", "ID", ["62"], ["628"], 0.0421, 0.0541, 13, 1.2),
  country("Vietnam", "VN", ["84"], ["843", "845", "847", "848", "849"], 0.0487, 0.0621, 11, 1.2),
  country("Thailand", "TH", ["66"], ["666", "668", "669"], 0.0187, 0.0219, 11, 0.8),
  country("Malaysia", "MY", ["60"], ["601"], 0.0141, 0.0247, 11, 0.6),
  country("Singapore", "SG", ["65"], ["658", "659"], 0.0064, 0.0071, 10, 0.8),
  country(
    "China",
    "CN",
    ["86"],
    ["8613", "8614", "8615", "8617", "8618", "8619"],
    0.0121,
    0.0121,
    13,
    2,
  ),
  country("Hong Kong", "HK", ["852"], ["8525", "8526", "8529"], 0.0091, 0.0094, 11, 0.8),
  country("Japan", "JP", ["81"], ["8170", "8180", "8190"], 0.0254, 0.0712, 12, 0.6),
  country("South Korea", "KR", ["82"], ["8210"], 0.0178, 0.0301, 12, 0.5),
  country("Australia", "AU", ["61"], ["614"], 0.0154, 0.0387, 11, 0.9),
  country("New Zealand", "NZ", ["64"], ["642"], 0.0201, 0.0512, 11, 0.3),
  // Latin America
  {
    country: "Mexico",
    iso: "MX",
    fixed: ["52"],
    mobile: ["521"],
    extra: [
      ["Mexico City", ["5255"], 0.0071],
      ["Guadalajara", ["5233"], 0.0079],
      ["Monterrey", ["5281"], 0.0079],
    ],
    fixedRate: 0.0112,
    mobileRate: 0.0141,
    length: 12,
    weight: 6,
  },
  {
    country: "Brazil",
    iso: "BR",
    fixed: ["55"],
    mobile: ["55119", "55219", "55319", "55419", "55519", "55619", "55719", "55819", "55919"],
    extra: [["Sao Paulo", ["5511"], 0.0068]],
    fixedRate: 0.0094,
    mobileRate: 0.0287,
    length: 13,
    weight: 2,
  },
  country("Colombia", "CO", ["57"], ["573"], 0.0112, 0.0098, 12, 2.2),
  country("Argentina", "AR", ["54"], ["549"], 0.0124, 0.0642, 13, 1),
  country("Chile", "CL", ["56"], ["569"], 0.0143, 0.0211, 11, 0.8),
  country("Peru", "PE", ["51"], ["519"], 0.0087, 0.0341, 11, 1.1),
  country("Ecuador", "EC", ["593"], ["5939"], 0.0921, 0.1287, 12, 0.7),
  country(
    "Venezuela",
    "VE",
    ["58"],
    ["58412", "58414", "58416", "58424", "58426"],
    0.0421,
    0.0987,
    12,
    0.6,
    0.75,
  ),
  country("Guatemala", "GT", ["502"], ["5023", "5024", "5025"], 0.1012, 0.1198, 11, 1.1),
  country("El Salvador", "SV", ["503"], ["5036", "5037"], 0.1187, 0.1321, 11, 0.9),
  country("Honduras", "HN", ["504"], ["5043", "5048", "5049"], 0.1654, 0.1877, 11, 0.9),
  country("Haiti", "HT", ["509"], ["5093", "5094", "5097"], 0.2241, 0.2487, 11, 0.6, 0.7),
  country("Cuba", "CU", ["53"], ["535"], 0.6421, 0.6421, 10, 0.3, 0.6),
];

function country(
  name: string,
  iso: string,
  fixed: string[],
  mobile: string[],
  fixedRate: number,
  mobileRate: number,
  length: number,
  weight: number,
  asrFactor?: number,
): CountrySpec {
  return { country: name, iso, fixed, mobile, fixedRate, mobileRate, length, weight, asrFactor };
}

function nanp(
  name: string,
  iso: string,
  prefixes: string[],
  rate: number,
  weight: number,
  asrFactor?: number,
): CountrySpec {
  return {
    country: name,
    iso,
    fixed: prefixes,
    mobile: [],
    fixedRate: rate,
    mobileRate: rate,
    length: 11,
    weight,
    nanp: true,
    asrFactor,
  };
}

/** Breakouts added by the second rate deck, part-way through the demo history. */
export const DECK_V2_ADDITIONS: DestinationSpec[] = [
  {
    prefix: "252",
    name: "Somalia - Fixed",
    country: "Somalia",
    iso: "SO",
    kind: "fixed",
    rate: 0.4512,
    length: 11,
  },
  {
    prefix: "25261",
    name: "Somalia - Mobile",
    country: "Somalia",
    iso: "SO",
    kind: "mobile",
    rate: 0.4987,
    length: 12,
  },
  {
    prefix: "976",
    name: "Mongolia - Fixed",
    country: "Mongolia",
    iso: "MN",
    kind: "fixed",
    rate: 0.0412,
    length: 11,
  },
  {
    prefix: "9769",
    name: "Mongolia - Mobile",
    country: "Mongolia",
    iso: "MN",
    kind: "mobile",
    rate: 0.0487,
    length: 11,
  },
];

/** Every prefix of the deck, one breakout row each, in a stable order. */
export function buildDestinations(
  countries: readonly CountrySpec[] = COUNTRIES,
): DestinationSpec[] {
  const out: DestinationSpec[] = [];
  for (const c of countries) {
    const base = { country: c.country, iso: c.iso, length: c.length };
    for (const prefix of c.fixed) {
      const name = c.nanp ? c.country : `${c.country} - Fixed`;
      out.push({ ...base, prefix, name, kind: "fixed", rate: c.fixedRate });
    }
    for (const prefix of c.mobile) {
      out.push({
        ...base,
        prefix,
        name: `${c.country} - Mobile`,
        kind: "mobile",
        rate: c.mobileRate,
      });
    }
    for (const [suffix, prefixes, rate] of c.extra ?? []) {
      for (const prefix of prefixes) {
        out.push({ ...base, prefix, name: `${c.country} - ${suffix}`, kind: "special", rate });
      }
    }
  }
  return out;
}

/** Longest-prefix match, the way a switch names the breakout of a dialled number. */
export class PrefixIndex<T extends { prefix: string }> {
  private readonly byPrefix = new Map<string, T>();
  private readonly maxLength: number;

  constructor(entries: readonly T[]) {
    for (const e of entries) this.byPrefix.set(e.prefix, e);
    this.maxLength = Math.max(...entries.map((e) => e.prefix.length));
  }

  match(number: string): T | null {
    for (let n = Math.min(this.maxLength, number.length); n > 0; n--) {
      const hit = this.byPrefix.get(number.slice(0, n));
      if (hit) return hit;
    }
    return null;
  }
}
