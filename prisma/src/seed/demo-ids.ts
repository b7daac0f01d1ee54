// Fixed ids inside the demo tenant (keys are tenant-prefixed, so they cannot collide with
// another tenant's), so docs and scripts can name them.
export const demoIds = {
  restaurantCentre: "01936f00-0000-7000-8000-00000000a001",
  restaurantRiver: "01936f00-0000-7000-8000-00000000a002",
  owner: "01936f00-0000-7000-8000-00000000b001",
  cashier: "01936f00-0000-7000-8000-00000000b002",
  posIntegration: "01936f00-0000-7000-8000-00000000c001",
  levelBronze: "01936f00-0000-7000-8000-00000000d001",
  levelSilver: "01936f00-0000-7000-8000-00000000d002",
  levelGold: "01936f00-0000-7000-8000-00000000d003",
} as const;
