// The documented defaults of the DEMO_* variables (README and .env.example list the same).
export const demoDefaults = {
  DEMO_BOT_TOKEN: "7000000001:AAFdemo_token_for_local_dev_only_00",
  DEMO_POS_SECRET: "demo-pos-webhook-secret",
  DEMO_OWNER_EMAIL: "owner@demo.maxloyalty.local",
  DEMO_OWNER_PASSWORD: "demo-owner-password",
  DEMO_CASHIER_EMAIL: "cashier@demo.maxloyalty.local",
  DEMO_CASHIER_PASSWORD: "demo-cashier-password",
  DEMO_GUESTS: 300,
} as const;
