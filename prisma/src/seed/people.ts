// Sample guests for the demo tenant. Mostly Russian names, as at a Moscow café, with a few
// English-speaking guests so both interface languages show up in the demo. Russian surnames
// agree with the bearer's gender, so names are drawn in pairs of lists.
export const russianNames = {
  female: {
    first: ["Анна", "Мария", "Екатерина", "Ольга", "Дарья", "Алиса", "Софья", "Полина", "Виктория", "Ксения"],
    last: ["Иванова", "Смирнова", "Кузнецова", "Попова", "Соколова", "Лебедева", "Козлова", "Новикова"],
  },
  male: {
    first: ["Иван", "Дмитрий", "Алексей", "Сергей", "Михаил", "Андрей", "Никита", "Артём", "Павел", "Егор"],
    last: ["Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков"],
  },
} as const;

export const englishNames = [
  ["Emma", "Clarke"],
  ["Oliver", "Hughes"],
  ["Sophie", "Turner"],
  ["James", "Walker"],
] as const;
