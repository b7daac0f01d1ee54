// Short notes that a change went through ("Saved"), gone after a few seconds.
import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";

interface Toast {
  id: number;
  text: string;
}

let serial = 0;

export const toasts = createStore<{ items: Toast[] }>(() => ({ items: [] }));

export function toast(text: string) {
  const id = ++serial;
  toasts.setState((s) => ({ items: [...s.items, { id, text }] }));
  setTimeout(() => toasts.setState((s) => ({ items: s.items.filter((item) => item.id !== id) })), 4000);
}

export function Toasts() {
  const items = useStore(toasts, (s) => s.items);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {items.map((item) => (
        <div key={item.id} className="toast">
          {item.text}
        </div>
      ))}
    </div>
  );
}
