// Sample guests for the demo tenant. Mostly Russian names, as at a Moscow café, with a few
// English-speaking guests so both interface languages show up in the demo.
export const firstNames = [
  "Анна",
  "Мария",
  "Екатерина",
  "Ольга",
  "Дарья",
  "Алиса",
  "Софья",
  "Полина",
  "Виктория",
  "Ксения",
  "Иван",
  "Дмитрий",
  "Алексей",
  "Сергей",
  "Михаил",
  "Андрей",
  "Никита",
  "Артём",
  "Павел",
  "Егор",
] as const;

export const lastNames = [
  "Иванова",
  "Смирнова",
  "Кузнецова",
  "Попова",
  "Соколова",
  "Лебедева",
  "Козлова",
  "Новикова",
  "Иванов",
  "Смирнов",
  "Кузнецов",
  "Попов",
  "Соколов",
  "Лебедев",
  "Козлов",
  "Новиков",
] as const;

export const englishNames = [
  ["Emma", "Clarke"],
  ["Oliver", "Hughes"],
  ["Sophie", "Turner"],
  ["James", "Walker"],
] as const;
