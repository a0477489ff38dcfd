//! The two pages: the customer's "enter your code" page and the console.

pub mod console;
pub mod customer;
