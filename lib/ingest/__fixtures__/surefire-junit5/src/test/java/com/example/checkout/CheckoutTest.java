// Sample suite for the Surefire fixture (see ../../../../../../../README.md). Fails on purpose.
package com.example.checkout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckoutTest {
    private static int attempts = 0;

    @Test
    void adds() {
        assertEquals(2, 1 + 1);
    }

    @Test
    void removes() {
        assertEquals(0, 1, "cart still holds an item");
    }

    @Test
    @Disabled("coupons are not implemented yet")
    void appliesACoupon() {
    }

    @ParameterizedTest
    @CsvSource({"1, 2", "2, 5"})
    void doubles(int n, int doubled) {
        assertEquals(doubled, n * 2);
    }

    @Test
    void passesOnRetry() {
        attempts++;
        assertEquals(2, attempts, "first attempt fails");
    }
}
