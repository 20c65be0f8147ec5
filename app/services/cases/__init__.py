"""Cases: routing responses into cases, working them, deadlines, inbox and who hears of them."""
