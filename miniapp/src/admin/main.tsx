// The admin view's entry: no Telegram here, only the browser and the API on the same origin.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { AdminApp } from "./app/App.tsx";
import { localeStore } from "./i18n/locale.ts";
import "./admin.css";

document.documentElement.lang = localeStore.getState().locale;
const root = document.getElementById("root");
if (!root) throw new Error("admin/index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <AdminApp />
  </StrictMode>,
);
