// A nested test class: Surefire reports it in its own file as CartTest$Totals.
package com.example.checkout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CartTest {
    @Nested
    class Totals {
        @Test
        void showsTheTotal() {
            assertEquals("total", "total");
        }
    }
}
