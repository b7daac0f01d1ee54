import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App.tsx";
import { startTelegram } from "./telegram/webapp.ts";
import "./styles.css";

const launch = startTelegram();
const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <App launch={launch} />
  </StrictMode>,
);
