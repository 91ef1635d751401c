/**
 * Product categories named by export-control measures, mapped to the minerals a supplier line declares.
 * A measure on a category applies to a line whose mineral is in the category's list.
 * Why each mapping: the measure's own scope, read narrowly (see docs/model.md, "Policy events").
 */
export const productCategories: Record<string, { minerals: string[] | 'all'; rationale: string }> = {
  all_dual_use: {
    minerals: 'all',
    rationale: 'MOFCOM Ann. 46 (2024) clause 1 bans all dual-use items to US military end users',
  },
  superhard_materials: {
    minerals: [],
    rationale: 'synthetic diamond and cubic boron nitride are not minerals of the list; tracked, scores nothing',
  },
  rare_earth_magnets: {
    minerals: ['samarium', 'dysprosium', 'terbium'],
    rationale: 'MOFCOM Ann. 18 (2025) covers magnets containing the listed elements (Sm-Co; NdFeB with Dy/Tb)',
  },
  rare_earth_equipment_and_materials: {
    minerals: [],
    rationale:
      'MOFCOM Ann. 56 (2025) covers rare-earth production equipment and auxiliary materials: it slows capacity built abroad, not the flow of rare earths a supplier buys; tracked, scores nothing',
  },
  rare_earth_technologies: {
    minerals: [],
    rationale:
      'MOFCOM Ann. 62 (2025) covers mining, separation and magnet know-how: it restricts technology, not material flows; tracked, scores nothing',
  },
  lithium_battery_items: {
    minerals: [],
    rationale:
      'MOFCOM Ann. 58 (2025) covers high-energy lithium-ion cells and their production equipment, not lithium chemicals; tracked, scores nothing',
  },
  cathode_materials: {
    minerals: [],
    rationale:
      'MOFCOM Ann. 58 (2025) covers LFP and lithium-rich cathode materials and precursors, not the lithium chemicals a supplier line declares; tracked, scores nothing',
  },
  graphite_anode: {
    minerals: ['graphite'],
    rationale: 'MOFCOM Ann. 58 (2025) covers artificial and natural graphite anode materials',
  },
  all_raw_minerals: {
    minerals: 'all',
    rationale:
      "Zimbabwe's 2026-02-25 suspension and Malawi's 2025-10-21 executive order cover all raw minerals (ore and concentrate); their measures have stage `raw`, so they reach only ore mined there and processed elsewhere, never what is refined there",
  },
};
