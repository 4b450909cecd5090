// A module that breaks the rule, for the guard's own test: each line below is work at module scope.
export const id = Math.random()
export const timer = setTimeout(() => {}, 0)
clearTimeout(timer)
export const home = process.env["HOME"]
export const later = Promise.resolve().then(() => crypto.randomUUID())
