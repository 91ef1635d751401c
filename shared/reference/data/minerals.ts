/**
 * The mineral catalogue: the 60 materials of the 2025 US critical minerals list (Federal Register doc 2025-19813,
 * 2025-11-07), molybdenum (named by China's Feb 2025 controls though not on the US list), and the groups that
 * measures and suppliers name (rare earths, light and heavy rare earths, platinum-group metals).
 *
 * Rare-earth grouping follows the EU CRM 2023 assessment: LREE = La, Ce, Pr, Nd, Sm; HREE = Eu, Gd, Tb, Dy, Ho, Er,
 * Tm, Yb, Lu, Y. Scandium is a rare earth (IUPAC) but in neither sub-group.
 */
import type { Stage } from '../types.ts';

export interface MineralEntry {
  id: string;
  name: string;
  symbol?: string;
  aliases?: string[];
  /** Groups this mineral belongs to, most specific first (share data falls back along this list). */
  groups?: string[];
  /** On the 2025 US critical minerals list. */
  usCritical2025: boolean;
}

export interface MineralGroupEntry {
  id: string;
  name: string;
  aliases: string[];
  members: string[];
  /** Wider groups, for share data fallback (heavy rare earths → rare earths). */
  groups?: string[];
}

const LREE = ['lanthanum', 'cerium', 'praseodymium', 'neodymium', 'samarium'];
const HREE = [
  'europium',
  'gadolinium',
  'terbium',
  'dysprosium',
  'holmium',
  'erbium',
  'thulium',
  'ytterbium',
  'lutetium',
  'yttrium',
];
const PGM = ['platinum', 'palladium', 'rhodium', 'ruthenium', 'iridium'];

const lree = { groups: ['light_rare_earths', 'rare_earths'], usCritical2025: true };
const hree = { groups: ['heavy_rare_earths', 'rare_earths'], usCritical2025: true };
const pgm = { groups: ['platinum_group_metals'], usCritical2025: true };

export const minerals: MineralEntry[] = [
  {
    id: 'aluminum',
    name: 'aluminum',
    symbol: 'Al',
    aliases: ['aluminium', 'bauxite', 'alumina'],
    usCritical2025: true,
  },
  { id: 'antimony', name: 'antimony', symbol: 'Sb', usCritical2025: true },
  { id: 'arsenic', name: 'arsenic', symbol: 'As', usCritical2025: true },
  { id: 'barite', name: 'barite', aliases: ['barytes', 'baryte', 'BaSO4'], usCritical2025: true },
  { id: 'beryllium', name: 'beryllium', symbol: 'Be', usCritical2025: true },
  { id: 'bismuth', name: 'bismuth', symbol: 'Bi', usCritical2025: true },
  { id: 'boron', name: 'boron', symbol: 'B', aliases: ['borates', 'borate'], usCritical2025: true },
  { id: 'cerium', name: 'cerium', symbol: 'Ce', ...lree },
  { id: 'cesium', name: 'cesium', symbol: 'Cs', aliases: ['caesium'], usCritical2025: true },
  { id: 'chromium', name: 'chromium', symbol: 'Cr', aliases: ['chromite', 'chrome'], usCritical2025: true },
  { id: 'cobalt', name: 'cobalt', symbol: 'Co', usCritical2025: true },
  { id: 'copper', name: 'copper', symbol: 'Cu', usCritical2025: true },
  { id: 'dysprosium', name: 'dysprosium', symbol: 'Dy', ...hree },
  { id: 'erbium', name: 'erbium', symbol: 'Er', ...hree },
  { id: 'europium', name: 'europium', symbol: 'Eu', ...hree },
  { id: 'fluorspar', name: 'fluorspar', aliases: ['fluorite', 'CaF2'], usCritical2025: true },
  { id: 'gadolinium', name: 'gadolinium', symbol: 'Gd', ...hree },
  { id: 'gallium', name: 'gallium', symbol: 'Ga', usCritical2025: true },
  { id: 'germanium', name: 'germanium', symbol: 'Ge', usCritical2025: true },
  {
    id: 'graphite',
    name: 'graphite',
    aliases: ['natural graphite', 'synthetic graphite', 'flake graphite', 'spherical graphite', 'graphite anode'],
    usCritical2025: true,
  },
  { id: 'hafnium', name: 'hafnium', symbol: 'Hf', usCritical2025: true },
  { id: 'holmium', name: 'holmium', symbol: 'Ho', ...hree },
  { id: 'indium', name: 'indium', symbol: 'In', usCritical2025: true },
  { id: 'iridium', name: 'iridium', symbol: 'Ir', ...pgm },
  { id: 'lanthanum', name: 'lanthanum', symbol: 'La', ...lree },
  { id: 'lead', name: 'lead', symbol: 'Pb', usCritical2025: true },
  {
    id: 'lithium',
    name: 'lithium',
    symbol: 'Li',
    aliases: ['lithium carbonate', 'lithium hydroxide', 'spodumene'],
    usCritical2025: true,
  },
  { id: 'lutetium', name: 'lutetium', symbol: 'Lu', ...hree },
  { id: 'magnesium', name: 'magnesium', symbol: 'Mg', usCritical2025: true },
  { id: 'manganese', name: 'manganese', symbol: 'Mn', usCritical2025: true },
  {
    id: 'metallurgical_coal',
    name: 'metallurgical coal',
    aliases: ['met coal', 'coking coal', 'metallurgical-coal'],
    usCritical2025: true,
  },
  { id: 'molybdenum', name: 'molybdenum', symbol: 'Mo', usCritical2025: false },
  { id: 'neodymium', name: 'neodymium', symbol: 'Nd', ...lree },
  { id: 'nickel', name: 'nickel', symbol: 'Ni', usCritical2025: true },
  { id: 'niobium', name: 'niobium', symbol: 'Nb', aliases: ['columbium'], usCritical2025: true },
  { id: 'palladium', name: 'palladium', symbol: 'Pd', ...pgm },
  { id: 'phosphate', name: 'phosphate', aliases: ['phosphate rock', 'phosphorus'], usCritical2025: true },
  { id: 'platinum', name: 'platinum', symbol: 'Pt', ...pgm },
  { id: 'potash', name: 'potash', aliases: ['potassium'], usCritical2025: true },
  { id: 'praseodymium', name: 'praseodymium', symbol: 'Pr', ...lree },
  { id: 'rhenium', name: 'rhenium', symbol: 'Re', usCritical2025: true },
  { id: 'rhodium', name: 'rhodium', symbol: 'Rh', ...pgm },
  { id: 'rubidium', name: 'rubidium', symbol: 'Rb', usCritical2025: true },
  { id: 'ruthenium', name: 'ruthenium', symbol: 'Ru', ...pgm },
  { id: 'samarium', name: 'samarium', symbol: 'Sm', ...lree },
  { id: 'scandium', name: 'scandium', symbol: 'Sc', groups: ['rare_earths'], usCritical2025: true },
  { id: 'silicon', name: 'silicon', symbol: 'Si', aliases: ['silicon metal', 'polysilicon'], usCritical2025: true },
  { id: 'silver', name: 'silver', symbol: 'Ag', usCritical2025: true },
  { id: 'tantalum', name: 'tantalum', symbol: 'Ta', aliases: ['coltan'], usCritical2025: true },
  { id: 'tellurium', name: 'tellurium', symbol: 'Te', usCritical2025: true },
  { id: 'terbium', name: 'terbium', symbol: 'Tb', ...hree },
  { id: 'thulium', name: 'thulium', symbol: 'Tm', ...hree },
  { id: 'tin', name: 'tin', symbol: 'Sn', usCritical2025: true },
  { id: 'titanium', name: 'titanium', symbol: 'Ti', usCritical2025: true },
  { id: 'tungsten', name: 'tungsten', symbol: 'W', aliases: ['wolfram'], usCritical2025: true },
  { id: 'uranium', name: 'uranium', symbol: 'U', usCritical2025: true },
  { id: 'vanadium', name: 'vanadium', symbol: 'V', usCritical2025: true },
  { id: 'ytterbium', name: 'ytterbium', symbol: 'Yb', ...hree },
  { id: 'yttrium', name: 'yttrium', symbol: 'Y', ...hree },
  { id: 'zinc', name: 'zinc', symbol: 'Zn', usCritical2025: true },
  { id: 'zirconium', name: 'zirconium', symbol: 'Zr', usCritical2025: true },
];

export const mineralGroups: MineralGroupEntry[] = [
  {
    id: 'rare_earths',
    name: 'rare earths',
    aliases: ['REE', 'REEs', 'rare earth', 'rare earth elements', 'rare-earths', 'REO', 'rare earth oxides'],
    members: [...LREE, ...HREE, 'scandium'],
  },
  {
    id: 'light_rare_earths',
    name: 'light rare earths',
    aliases: ['LREE', 'light rare earth elements'],
    members: LREE,
    groups: ['rare_earths'],
  },
  {
    id: 'heavy_rare_earths',
    name: 'heavy rare earths',
    aliases: ['HREE', 'heavy rare earth elements'],
    members: HREE,
    groups: ['rare_earths'],
  },
  {
    id: 'platinum_group_metals',
    name: 'platinum-group metals',
    aliases: ['PGM', 'PGMs', 'platinum group metals', 'platinum group'],
    members: PGM,
  },
];

/**
 * The stage at which each mineral of the 2025 US list is concentrated and where its sources report it: mine output,
 * or refining/smelting/separation where that is the bottleneck the sources measure (EU CRM 2023 bottleneck stage,
 * USGS MCS table). Every one must have sourced shares at this stage (own, group or marked proxy rows), except the
 * gaps docs/model.md lists; a test holds the data to it.
 */
export const mainStages: Record<string, Stage> = {
  aluminum: 'processing',
  antimony: 'mining',
  arsenic: 'processing',
  barite: 'mining',
  beryllium: 'mining',
  bismuth: 'processing',
  boron: 'mining',
  cesium: 'mining',
  chromium: 'mining',
  cobalt: 'mining',
  copper: 'processing',
  fluorspar: 'mining',
  gallium: 'mining',
  germanium: 'mining',
  graphite: 'mining',
  hafnium: 'mining',
  indium: 'processing',
  iridium: 'mining',
  lead: 'mining',
  lithium: 'mining',
  magnesium: 'processing',
  manganese: 'mining',
  metallurgical_coal: 'mining',
  nickel: 'mining',
  niobium: 'processing',
  palladium: 'mining',
  phosphate: 'mining',
  platinum: 'mining',
  potash: 'mining',
  rhenium: 'mining',
  rhodium: 'mining',
  rubidium: 'mining',
  ruthenium: 'mining',
  silicon: 'processing',
  silver: 'mining',
  tantalum: 'mining',
  tellurium: 'processing',
  tin: 'mining',
  titanium: 'processing',
  tungsten: 'mining',
  uranium: 'mining',
  vanadium: 'mining',
  zinc: 'mining',
  zirconium: 'mining',
  ...Object.fromEntries([...LREE, ...HREE, 'scandium'].map((id) => [id, 'processing' as const])),
};
