let x = 1
#if DEBUG
let y = 2
#endif