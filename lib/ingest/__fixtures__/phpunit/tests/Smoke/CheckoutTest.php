<?php
// Sample suite for the PHPUnit fixture (see ../../../README.md). Fails on purpose.
use PHPUnit\Framework\TestCase;

final class CheckoutTest extends TestCase
{
    public function testAdds(): void
    {
        $this->assertSame(2, 1 + 1);
    }

    public function testRemoves(): void
    {
        $this->assertSame(0, 1, 'cart still holds an item');
    }

    public function testAppliesACoupon(): void
    {
        $this->markTestSkipped('coupons are not implemented yet');
    }

    /** @dataProvider doublings */
    public function testDoubles(int $n, int $doubled): void
    {
        $this->assertSame($doubled, $n * 2);
    }

    public static function doublings(): array
    {
        return ['one' => [1, 2], [2, 5]];
    }
}
