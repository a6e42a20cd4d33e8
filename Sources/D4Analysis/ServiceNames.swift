/// Names of well-known services by port, for reports (a small built-in table, IANA names where one exists).
public enum ServiceNames {
    public static func name(port: UInt16, ipProtocol: UInt8) -> String? {
        let isUDP = ipProtocol == 17
        switch port {
        case 7: return "echo"
        case 19: return "chargen"
        case 20: return "ftp-data"
        case 21: return "ftp"
        case 22: return "ssh"
        case 23: return "telnet"
        case 25: return "smtp"
        case 53: return "domain"
        case 67: return isUDP ? "dhcp" : nil
        case 69: return isUDP ? "tftp" : nil
        case 80: return "http"
        case 81: return "http-alt"
        case 110: return "pop3"
        case 111: return "sunrpc"
        case 123: return "ntp"
        case 135: return "msrpc"
        case 137: return "netbios-ns"
        case 139: return "netbios-ssn"
        case 143: return "imap"
        case 161: return "snmp"
        case 179: return "bgp"
        case 389: return "ldap"
        case 443: return isUDP ? "quic" : "https"
        case 445: return "microsoft-ds"
        case 465: return "smtps"
        case 500: return "isakmp"
        case 514: return isUDP ? "syslog" : "shell"
        case 587: return "submission"
        case 853: return "domain-s"
        case 993: return "imaps"
        case 995: return "pop3s"
        case 1194: return "openvpn"
        case 1433: return "ms-sql-s"
        case 1723: return "pptp"
        case 1883: return "mqtt"
        case 1900: return "ssdp"
        case 2323: return "telnet-alt"
        case 3306: return "mysql"
        case 3389: return "ms-wbt-server"
        case 3478: return "stun"
        case 3702: return "ws-discovery"
        case 4500: return "ipsec-nat-t"
        case 5060: return "sip"
        case 5222: return "xmpp-client"
        case 5353: return "mdns"
        case 5432: return "postgresql"
        case 5555: return "adb"
        case 5683: return "coap"
        case 5900: return "vnc"
        case 6379: return "redis"
        case 7547: return "cwmp"
        case 8080: return "http-alt"
        case 8443: return "https-alt"
        case 9200: return "elasticsearch"
        case 11211: return "memcache"
        case 25565: return "minecraft"
        case 27015: return "steam"
        case 27017: return "mongodb"
        case 37215: return "huawei-upnp"
        case 52869: return "realtek-upnp"
        case 53413: return "netis-backdoor"
        default: return nil
        }
    }

    public static func protocolName(_ ipProtocol: UInt8) -> String {
        switch ipProtocol {
        case 1: "ICMP"
        case 6: "TCP"
        case 17: "UDP"
        case 58: "ICMPv6"
        case 47: "GRE"
        case 50: "ESP"
        case 132: "SCTP"
        default: "IP-\(ipProtocol)"
        }
    }
}
