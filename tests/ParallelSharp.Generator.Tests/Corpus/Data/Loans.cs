namespace ParallelSharp.Generator.Tests.Corpus.Data;

[Flags]
public enum LoanFeatures
{
    None = 0,
    FixedRate = 1,
    EarlyRepayment = 2,
    Insurance = 4,
}

public sealed record Loan(decimal Principal, decimal AnnualRate, int Months, LoanFeatures Features = LoanFeatures.None)
{
    public decimal MonthlyRate => AnnualRate / 12m;
}

public sealed record Payment(int Month, decimal Interest, decimal Principal, decimal Balance);

/// <summary>Decimal arithmetic, records in and out, a [Flags] enum and tuples.</summary>
public static class Loans
{
    private const decimal InsurancePerMonth = 4.5m;

    public static decimal MonthlyPayment(Loan loan)
    {
        var r = (double)loan.MonthlyRate;
        var factor = Math.Pow(1 + r, loan.Months);
        var payment = (decimal)((double)loan.Principal * r * factor / (factor - 1));
        return Math.Round(payment + (loan.Features.HasFlag(LoanFeatures.Insurance) ? InsurancePerMonth : 0m), 2);
    }

    public static Payment[] Schedule(Loan loan)
    {
        var payment = MonthlyPayment(loan with { Features = LoanFeatures.None });
        var balance = loan.Principal;
        var rows = new List<Payment>();
        for (var month = 1; month <= loan.Months; month++)
        {
            var interest = Math.Round(balance * loan.MonthlyRate, 2);
            var principal = Math.Min(balance, payment - interest);
            balance -= principal;
            rows.Add(new Payment(month, interest, principal, balance));
        }

        return rows.ToArray();
    }

    public static (decimal TotalInterest, int Payments) Totals(Loan loan)
    {
        var schedule = Schedule(loan);
        return (schedule.Sum(p => p.Interest), schedule.Length);
    }
}
