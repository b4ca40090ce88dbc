//! Address scope: whether an IP address is on the internet (`public`) or in one of the
//! special-purpose ranges (IANA IPv4/IPv6 special-purpose address registries, RFC 6890),
//! so later stages can ask "does this talk to the internet".

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Where an address lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Public,
    /// RFC 1918 and IPv6 unique local addresses (fc00::/7).
    Private,
    /// Carrier-grade NAT shared space (100.64.0.0/10): not the internet, not the site.
    Shared,
    Loopback,
    LinkLocal,
    Multicast,
    Broadcast,
    /// 0.0.0.0/8, ::.
    Unspecified,
    /// Documentation and benchmarking ranges, 240.0.0.0/4 and other reserved blocks.
    Reserved,
}

impl Scope {
    pub fn name(self) -> &'static str {
        match self {
            Scope::Public => "public",
            Scope::Private => "private",
            Scope::Shared => "shared",
            Scope::Loopback => "loopback",
            Scope::LinkLocal => "link_local",
            Scope::Multicast => "multicast",
            Scope::Broadcast => "broadcast",
            Scope::Unspecified => "unspecified",
            Scope::Reserved => "reserved",
        }
    }
}

/// The scope of a flow address (16 bytes; IPv4 in the last four when `v6` is false,
/// as flow keys hold it, and IPv4-mapped IPv6 addresses are taken as IPv4).
/// The scope of an address given as `IpAddr` (site metadata, report text).
pub fn of_ip(ip: &IpAddr) -> Scope {
    match ip {
        IpAddr::V4(v4) => of(&v4.to_ipv6_mapped().octets(), false),
        IpAddr::V6(v6) => of(&v6.octets(), true),
    }
}

/// The /24 of an IPv4 address or the /64 of an IPv6 one, as text (`10.0.1.0/24`,
/// `fd00::/64`): the subnet clusters of the reports and the site checks.
pub fn subnet(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V4(v) => {
            let o = v.octets();
            format!("{}.{}.{}.0/24", o[0], o[1], o[2])
        }
        IpAddr::V6(v) => {
            let s = v.segments();
            format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
    }
}

pub fn of(addr: &[u8; 16], v6: bool) -> Scope {
    if !v6 {
        return of_v4(Ipv4Addr::new(addr[12], addr[13], addr[14], addr[15]));
    }
    let a = Ipv6Addr::from(*addr);
    if let Some(v4) = a.to_ipv4_mapped() {
        return of_v4(v4);
    }
    let s = a.segments();
    // NAT64 (64:ff9b::/96) carries an IPv4 address, which decides.
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return of_v4(Ipv4Addr::new(addr[12], addr[13], addr[14], addr[15]));
    }
    match s[0] {
        _ if a.is_unspecified() => Scope::Unspecified,
        _ if a.is_loopback() => Scope::Loopback,
        0xff00..=0xffff => Scope::Multicast,
        0xfe80..=0xfebf => Scope::LinkLocal,
        0xfc00..=0xfdff => Scope::Private,
        // Documentation 2001:db8::/32 and 3fff::/20, benchmarking 2001:2::/48.
        0x2001 if s[1] == 0x0db8 || (s[1] == 0x0002 && s[2] == 0) => Scope::Reserved,
        0x3fff if s[1] < 0x1000 => Scope::Reserved,
        // Global unicast is 2000::/3; the rest is unassigned or special.
        0x2000..=0x3fff => Scope::Public,
        _ => Scope::Reserved,
    }
}

fn of_v4(a: Ipv4Addr) -> Scope {
    let o = a.octets();
    match o {
        [0, ..] => Scope::Unspecified,
        [10, ..] | [192, 168, ..] => Scope::Private,
        [172, b, ..] if (16..32).contains(&b) => Scope::Private,
        [100, b, ..] if (64..128).contains(&b) => Scope::Shared,
        [127, ..] => Scope::Loopback,
        [169, 254, ..] => Scope::LinkLocal,
        [255, 255, 255, 255] => Scope::Broadcast,
        [224..=239, ..] => Scope::Multicast,
        [240..=255, ..] => Scope::Reserved,
        // IETF protocol assignments, documentation, benchmarking.
        [192, 0, 0, _] | [192, 0, 2, _] | [198, 51, 100, _] | [203, 0, 113, _] => Scope::Reserved,
        [198, 18 | 19, ..] => Scope::Reserved,
        _ => Scope::Public,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> Scope {
        let a: Ipv4Addr = s.parse().unwrap();
        let mut b = [0u8; 16];
        b[12..].copy_from_slice(&a.octets());
        of(&b, false)
    }

    fn v6(s: &str) -> Scope {
        let a: Ipv6Addr = s.parse().unwrap();
        of(&a.octets(), true)
    }

    #[test]
    fn ranges() {
        for (a, want) in [
            ("8.8.8.8", Scope::Public),
            ("10.1.2.3", Scope::Private),
            ("172.16.0.1", Scope::Private),
            ("172.31.255.255", Scope::Private),
            ("172.32.0.1", Scope::Public),
            ("192.168.1.1", Scope::Private),
            ("100.64.0.1", Scope::Shared),
            ("100.128.0.1", Scope::Public),
            ("127.0.0.1", Scope::Loopback),
            ("169.254.10.1", Scope::LinkLocal),
            ("224.0.0.251", Scope::Multicast),
            ("239.255.255.250", Scope::Multicast),
            ("255.255.255.255", Scope::Broadcast),
            ("0.0.0.0", Scope::Unspecified),
            ("192.0.2.10", Scope::Reserved),
            ("198.18.0.1", Scope::Reserved),
            ("203.0.113.5", Scope::Reserved),
            ("240.0.0.1", Scope::Reserved),
        ] {
            assert_eq!(v4(a), want, "{a}");
        }
        for (a, want) in [
            ("2606:4700:4700::1111", Scope::Public),
            ("fe80::1", Scope::LinkLocal),
            ("fd12:3456::1", Scope::Private),
            ("ff02::1:3", Scope::Multicast),
            ("::1", Scope::Loopback),
            ("::", Scope::Unspecified),
            ("2001:db8::1", Scope::Reserved),
            ("::ffff:192.168.1.1", Scope::Private),
            ("::ffff:1.1.1.1", Scope::Public),
            ("64:ff9b::808:808", Scope::Public),
            ("64:ff9b::a00:1", Scope::Private),
            ("4000::1", Scope::Reserved),
        ] {
            assert_eq!(v6(a), want, "{a}");
        }
    }
}
